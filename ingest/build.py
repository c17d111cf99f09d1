"""Build a new index version from a corpus folder and publish it atomically.

load -> chunk -> sentences -> embed (cached) -> FAISS + BM25 -> catalog -> scope model ->
manifest -> fsync -> flip ``CURRENT``. Until the flip, readers see only the previous version.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ingest.loaders import LoadReport, load_corpus
from ingest.scope_fit import SCOPE_VERSION, fit_scope_for_version
from ragcore.bm25_index import BM25Index
from ragcore.catalog import write_catalog
from ragcore.chunking import Chunk, Chunker
from ragcore.documents import Document, Span, text_hash
from ragcore.embedding import Embedder
from ragcore.embedding_cache import CachingEmbedder
from ragcore.errors import ConfigError, IngestError
from ragcore.faiss_index import FaissIndex
from ragcore.index_store import MANIFEST, IndexStore
from ragcore.loaded_index import CHUNK_VECTORS, DOMAINS_FILE, LEXICAL_DIR, SENTENCE_VECTORS, VECTOR_INDEX
from ragcore.sentences import split_sentences

log = logging.getLogger(__name__)
ProgressFactory = Callable[[int, str], object]  # (total, description) -> tqdm-like


@dataclass
class IngestResult:
    version: str | None
    documents: int
    chunks: int
    sentences: int
    seconds: float
    embedded: int
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    domains: dict[str, int] = field(default_factory=dict)
    up_to_date: bool = False

    def to_dict(self) -> dict:
        return {
            "version": self.version, "documents": self.documents, "chunks": self.chunks,
            "sentences": self.sentences, "seconds": round(self.seconds, 2), "embedded": self.embedded,
            "domains": self.domains, "up_to_date": self.up_to_date,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "warnings": [{"path": p, "reason": r} for p, r in self.warnings],
        }


def build_version(
    corpus_dir: Path,
    store: IndexStore,
    embedder: Embedder,
    chunker: Chunker,
    *,
    domains_file: Path,
    force: bool = False,
    progress: ProgressFactory | None = None,
    evidence_threshold: float = 0.15,
) -> IngestResult:
    """Ingest ``corpus_dir`` into a new version of ``store`` and make it live."""
    started = time.perf_counter()
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise IngestError(f"corpus folder {corpus_dir} does not exist")
    if not domains_file.is_file():
        raise ConfigError(f"no domain descriptions at {domains_file}; copy corpus/domains.yaml and adapt it")
    report = load_corpus(corpus_dir)
    if not report.documents:
        raise IngestError(_empty_message(corpus_dir, report))
    documents = sorted(report.documents, key=lambda d: d.doc_id)
    corpus_hash = _corpus_hash(documents, domains_file, chunker, embedder.model_id, evidence_threshold)
    live = store.current_version()
    if not force and live and store.manifest(live).get("corpus_hash") == corpus_hash:
        return _up_to_date(live, store, report, started)

    cache = CachingEmbedder(embedder, store.cache_dir / "embeddings.sqlite")
    chunks = [c for d in documents for c in chunker.split(d)]
    titles = {d.doc_id: d.title for d in documents}
    sentences = [(d.doc_id, s) for d in documents for s in split_sentences(d.text)]
    texts = {d.doc_id: d.text for d in documents}
    chunk_vectors = _embed(cache, [c.embedding_text(titles[c.doc_id]) for c in chunks], progress, "chunks")
    sentence_vectors = _embed(cache, [texts[i][s.start : s.end] for i, s in sentences], progress, "sentences")

    store.discard_staging()
    staging = store.begin_version()
    try:
        _write_files(staging, documents, chunks, sentences, chunk_vectors, sentence_vectors, titles)
        shutil.copyfile(domains_file, staging / DOMAINS_FILE)
        scope_report = fit_scope_for_version(staging, cache, domains_file, evidence_threshold=evidence_threshold)
        result = IngestResult(
            None, len(documents), len(chunks), len(sentences), time.perf_counter() - started,
            cache.embedded_count, report.skipped, report.warnings, _domain_counts(documents),
        )
        manifest = {
            "created": datetime.now(UTC).isoformat(),
            "embedding": {"model_id": embedder.model_id, "dim": embedder.dim},
            "chunker": chunker.params,
            "vector_index": FaissIndex.kind,
            "lexical_index": BM25Index.kind,
            "corpus_dir": str(corpus_dir.resolve()),
            "corpus_hash": corpus_hash,
            "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentences)},
            "documents": {d.doc_id: d.content_hash for d in documents},
            "chunk_ids": [c.chunk_id for c in chunks],
            "scope": scope_report,
            "ingest_report": result.to_dict(),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        result.version = store.publish(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        cache.close()
    result.seconds = time.perf_counter() - started
    return result


def _write_files(staging: Path, documents: list[Document], chunks: list[Chunk],
                 sentences: list[tuple[str, Span]], chunk_vectors: np.ndarray,
                 sentence_vectors: np.ndarray, titles: dict[str, str]) -> None:
    write_catalog(staging / "catalog.sqlite", documents, chunks, sentences)
    np.save(staging / CHUNK_VECTORS, chunk_vectors)
    np.save(staging / SENTENCE_VECTORS, sentence_vectors)
    index = FaissIndex(chunk_vectors.shape[1])
    index.add(chunk_vectors)
    index.save(staging / VECTOR_INDEX)
    (staging / LEXICAL_DIR).mkdir()
    BM25Index.build([c.embedding_text(titles[c.doc_id]) for c in chunks]).save(staging / LEXICAL_DIR)


def _embed(embedder: CachingEmbedder, texts: list[str], progress: ProgressFactory | None, what: str) -> np.ndarray:
    batch = 256
    bar = progress(len(texts), f"embedding {what}") if progress else None
    parts = []
    for i in range(0, len(texts), batch):
        parts.append(embedder.embed_documents(texts[i : i + batch]))
        if bar is not None:
            bar.update(len(texts[i : i + batch]))  # type: ignore[attr-defined]
    if bar is not None:
        bar.close()  # type: ignore[attr-defined]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def _corpus_hash(documents: list[Document], domains_file: Path, chunker: Chunker, model_id: str,
                 evidence_threshold: float) -> str:
    parts = [f"{d.doc_id}:{d.content_hash}" for d in documents]
    parts += [domains_file.read_text(encoding="utf-8"), json.dumps(chunker.params, sort_keys=True), model_id,
              SCOPE_VERSION, repr(evidence_threshold)]
    return text_hash("\n".join(parts))


def _up_to_date(live: str, store: IndexStore, report: LoadReport, started: float) -> IngestResult:
    counts = store.manifest(live).get("counts", {})
    return IngestResult(
        live, counts.get("documents", 0), counts.get("chunks", 0), counts.get("sentences", 0),
        time.perf_counter() - started, 0, report.skipped, report.warnings, up_to_date=True,
    )


def _domain_counts(documents: list[Document]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in documents:
        counts[d.domain] = counts.get(d.domain, 0) + 1
    return counts


def _empty_message(corpus_dir: Path, report: LoadReport) -> str:
    message = (
        f"no documents to ingest under {corpus_dir}: expected files laid out as "
        "<root>/<domain>/.../<name>.md (or .txt, .html, .pdf)"
    )
    if report.skipped:
        message += f"; {len(report.skipped)} file(s) were skipped, e.g. {report.skipped[0][0]}: {report.skipped[0][1]}"
    return message
