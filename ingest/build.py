"""Build a new index version from a corpus folder and publish it atomically.

load -> plan -> chunk -> sentences -> embed (cached) -> FAISS (or a new Milvus collection) + BM25 ->
catalog -> scope model -> manifest -> fsync -> flip ``CURRENT`` -> drop old versions (on Milvus: flip the
live alias, drop old collections). Until the flip, readers see only the previous version; a killed
build leaves a staging directory that the next build removes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ingest.calibration_sets import calibration_sets_digest
from ingest.loaders import LoadReport, load_corpus
from ingest.plan import IngestPlan, plan_ingest
from ingest.scope_fit import SCOPE_VERSION, fit_message_models, fit_scope_for_version, training_questions
from ingest.vectors import embed_version
from ragcore.bm25_index import BM25Index
from ragcore.catalog import Catalog, write_catalog
from ragcore.chunking import Chunk, Chunker
from ragcore.documents import Document, Span, text_hash
from ragcore.embedding import Embedder
from ragcore.embedding_backends import backend_of
from ragcore.embedding_cache import CachingEmbedder, Submit, run_now
from ragcore.errors import ConfigError, IngestError
from ragcore.index_store import MANIFEST, IndexStore
from ragcore.loaded_index import CHUNK_VECTORS, DOMAINS_FILE, LEXICAL_DIR, SENTENCE_VECTORS
from ragcore.sentences import split_sentences
from ragcore.settings import Calibration, RetrievalSettings, VectorIndexSettings
from ragcore.spelling import VOCABULARY_FILE, VOCABULARY_VERSION, count_words, write_vocabulary
from ragcore.vector_backends import VectorBackend

log = logging.getLogger(__name__)
ProgressFactory = Callable[[int, str], object]  # (total, description) -> tqdm-like with update/close
PAUSE_ENV = "DOCENT_INGEST_PAUSE_AT"  # fault-injection hook for crash tests: embedding|writing|before_flip


@dataclass
class IngestResult:
    version: str | None
    documents: int
    chunks: int
    sentences: int
    seconds: float
    embedded: int
    plan: IngestPlan
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    domains: dict[str, int] = field(default_factory=dict)
    up_to_date: bool = False
    dry_run: bool = False
    removed_versions: list[str] = field(default_factory=list)
    calibration: dict = field(default_factory=dict)  # the scope guard's and evidence gate's held-out figures

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "documents": self.documents,
            "chunks": self.chunks,
            "sentences": self.sentences,
            "seconds": round(self.seconds, 2),
            "embedded": self.embedded,
            "domains": self.domains,
            "up_to_date": self.up_to_date,
            "dry_run": self.dry_run,
            "plan": self.plan.to_dict(),
            "removed_versions": self.removed_versions,
            "calibration": self.calibration,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "warnings": [{"path": p, "reason": r} for p, r in self.warnings],
        }


@dataclass
class BuildOptions:
    domains_file: Path
    calibration: Calibration = field(default_factory=Calibration)
    force: bool = False
    dry_run: bool = False
    keep_versions: int = 3
    max_file_bytes: int = 10_000_000
    sentence_vectors: str = "pooled"
    vector_index: VectorIndexSettings = field(default_factory=VectorIndexSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)  # what the scope guard is fitted through
    progress: ProgressFactory | None = None
    vectors: VectorBackend = field(default_factory=VectorBackend)
    side_thread: bool | None = None  # encode side texts beside the chunks; None: when a core is spare


def build_version(
    corpus_dir: Path, store: IndexStore, embedder: Embedder, chunker: Chunker, *, domains_file: Path, **options: object
) -> IngestResult:
    """Ingest ``corpus_dir`` into a new version of ``store`` and make it live."""
    opts = BuildOptions(domains_file=domains_file, **options)  # type: ignore[arg-type]
    started = time.perf_counter()
    report, documents = _load(Path(corpus_dir), opts)
    live = store.current_version()
    live_manifest = store.manifest(live) if live else {}
    plan = plan_ingest(documents, live_manifest.get("documents", {}))
    result = IngestResult(
        None, len(documents), 0, 0, 0.0, 0, plan, report.skipped, report.warnings, _domain_counts(documents)
    )
    corpus_hash = _corpus_hash(documents, opts, chunker, embedder.model_id)
    if opts.dry_run or (not opts.force and live_manifest.get("corpus_hash") == corpus_hash):
        counts = live_manifest.get("counts", {}) if not opts.dry_run else {}
        result.version, result.dry_run, result.up_to_date = live, opts.dry_run, not opts.dry_run
        result.chunks, result.sentences = counts.get("chunks", 0), counts.get("sentences", 0)
        result.seconds = time.perf_counter() - started
        return result
    store.discard_staging()
    cache = CachingEmbedder(embedder, store.cache_dir / "embeddings.sqlite")
    try:
        result.version = _build_and_publish(store, cache, chunker, documents, opts, result, corpus_hash, started)
    finally:
        cache.close()
    result.removed_versions = store.gc(opts.keep_versions)
    if result.version:
        opts.vectors.published(result.version, store.versions())
    result.seconds = time.perf_counter() - started
    return result


def _load(corpus_dir: Path, opts: BuildOptions) -> tuple[LoadReport, list[Document]]:
    if not corpus_dir.is_dir():
        raise IngestError(f"corpus folder {corpus_dir} does not exist")
    if not opts.domains_file.is_file():
        raise ConfigError(f"no domain descriptions at {opts.domains_file}; copy corpus/domains.yaml and adapt it")
    report = load_corpus(corpus_dir, max_file_bytes=opts.max_file_bytes)
    if not report.documents:
        raise IngestError(_empty_message(corpus_dir, report))
    return report, sorted(report.documents, key=lambda d: d.doc_id)


def _build_and_publish(
    store: IndexStore,
    cache: CachingEmbedder,
    chunker: Chunker,
    documents: list[Document],
    opts: BuildOptions,
    result: IngestResult,
    corpus_hash: str,
    started: float,
) -> str:
    titles = {d.doc_id: d.title for d in documents}
    training = training_questions(opts.domains_file, calibration=opts.calibration)
    chunks, sentences = _segment(store, documents, chunker, set(result.plan.unchanged))
    texts = {d.doc_id: d.text for d in documents}
    with _side_thread(cache.inner, opts.side_thread) as submit:
        question_vectors = cache.start_embedding(training.texts, submit)
        # the emergency and unsafe models need no index: fitted beside the chunk pass when a core is spare
        message_models = (submit or run_now)(lambda: fit_message_models(training, question_vectors.wait()))
        chunk_vectors, sentence_vectors = embed_version(
            cache,
            chunks,
            titles,
            sentences,
            texts,
            mode=opts.sentence_vectors,
            progress=opts.progress,
            after_batch=lambda: _pause_point("embedding", store),  # crash tests stop mid-embedding here
            submit=submit,
        )
    staging = store.begin_version()
    try:
        _pause_point("writing", store)
        vector_store = opts.vectors.write(staging, chunk_vectors, opts.vector_index)
        _write_files(staging, documents, chunks, sentences, chunk_vectors, sentence_vectors, titles)
        shutil.copyfile(opts.domains_file, staging / DOMAINS_FILE)
        scope = fit_scope_for_version(
            staging,
            training,
            question_vectors(),
            calibration=opts.calibration,
            retrieval=opts.retrieval,
            message_models=message_models.result(),
        )
        result.calibration = {"trained_on": scope["trained_on"], "held_out": scope["held_out"]}
        result.chunks, result.sentences, result.embedded = len(chunks), len(sentences), cache.embedded_count
        result.seconds = time.perf_counter() - started
        manifest = {
            "created": datetime.now(UTC).isoformat(),
            "embedding": {"model_id": cache.model_id, "dim": cache.dim, "backend": backend_of(cache)},
            "chunker": chunker.params,
            "sentence_vectors": opts.sentence_vectors,
            "vector_index": vector_store["kind"],
            "vector_index_params": vector_store,
            "vector_store": vector_store,
            "lexical_index": BM25Index.kind,
            "corpus_hash": corpus_hash,
            "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentences)},
            "documents": {d.doc_id: d.content_hash for d in documents},
            "chunk_ids": [c.chunk_id for c in chunks],
            "scope": scope,
            "ingest_report": result.to_dict(),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _pause_point("before_flip", store)
        return store.publish(staging)
    except BaseException:
        opts.vectors.discard(staging)
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def _side_thread(embedder: Embedder, enabled: bool | None) -> Iterator[Submit | None]:
    """A one-thread pool that encodes the side texts (scope questions, sentences in no chunk) while
    the chunks are encoded; by default only when a core is spare — the embedder was asked for fewer
    intra-op threads than this process may use — as threads that oversubscribe cores slow each other."""
    if enabled is None:
        threads = getattr(embedder, "threads", 0)
        enabled = 0 < threads < len(os.sched_getaffinity(0))
    if not enabled:
        yield None
        return
    with ThreadPoolExecutor(1, thread_name_prefix="ingest-side") as pool:
        yield pool.submit


def _segment(
    store: IndexStore, documents: list[Document], chunker: Chunker, unchanged: set[str]
) -> tuple[list[Chunk], list[tuple[str, Span]]]:
    """Chunks and sentence spans; unchanged documents reuse the live version's (same chunker)."""
    live = store.current_version()
    previous = None
    if live and unchanged and store.manifest(live).get("chunker") == chunker.params:
        previous = Catalog(store.versions_dir / live / "catalog.sqlite")
    chunks: list[Chunk] = []
    sentences: list[tuple[str, Span]] = []
    for doc in documents:
        if previous is not None and doc.doc_id in unchanged:
            chunks += previous.chunks_of(doc.doc_id)
            sentences += [(doc.doc_id, span) for span in previous.sentence_spans_of(doc.doc_id)]
        else:
            chunks += chunker.split(doc)
            sentences += [(doc.doc_id, span) for span in split_sentences(doc.text)]
    return chunks, sentences


def _write_files(
    staging: Path,
    documents: list[Document],
    chunks: list[Chunk],
    sentences: list[tuple[str, Span]],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    titles: dict[str, str],
) -> None:
    """Write the version's catalog, vectors and lexical index (the vector index is the backend's)."""
    write_catalog(staging / "catalog.sqlite", documents, chunks, sentences)
    np.save(staging / CHUNK_VECTORS, chunk_vectors)
    np.save(staging / SENTENCE_VECTORS, sentence_vectors)
    (staging / LEXICAL_DIR).mkdir()
    BM25Index.build([c.embedding_text(titles[c.doc_id]) for c in chunks]).save(staging / LEXICAL_DIR)
    write_vocabulary(staging / VOCABULARY_FILE, count_words([d.title for d in documents] + [d.text for d in documents]))


def _pause_point(name: str, store: IndexStore) -> None:
    """Crash tests set ``DOCENT_INGEST_PAUSE_AT`` to stop here and SIGKILL the process."""
    if os.environ.get(PAUSE_ENV) == name:
        store.root.mkdir(parents=True, exist_ok=True)
        (store.root / f".paused-{name}").write_text(str(os.getpid()))
        time.sleep(600)


def _corpus_hash(documents: list[Document], opts: BuildOptions, chunker: Chunker, model_id: str) -> str:
    parts = [f"{d.doc_id}:{d.content_hash}" for d in documents]
    parts += [
        opts.domains_file.read_text(encoding="utf-8"),
        json.dumps(chunker.params, sort_keys=True),
        model_id,
        SCOPE_VERSION,
        opts.calibration.model_dump_json(),
        calibration_sets_digest(opts.calibration.extra_sets),
        opts.sentence_vectors,
        opts.vector_index.model_dump_json(),
        VOCABULARY_VERSION,
    ]
    if opts.retrieval != RetrievalSettings():  # the scope guard's features come through retrieval: refit
        parts.append(f"retrieval:{opts.retrieval.model_dump_json()}")
    if opts.vectors.name != "faiss":  # moving to another engine is a rebuild; FAISS hashes stay as they were
        parts.append(f"vectors:{opts.vectors.name}:{opts.vectors.prefix}")
    return text_hash("\n".join(parts))


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
