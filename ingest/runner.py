"""Ingest and rollback from settings: the one place the CLI, the admin API and tests start them."""

from __future__ import annotations

from pathlib import Path

from ingest.build import IngestResult, build_version
from ragcore.chunking import Chunker
from ragcore.embedding import Embedder
from ragcore.embedding_backends import make_embedder
from ragcore.index_store import IndexStore
from ragcore.settings import Settings
from ragcore.vector_backends import point_live_alias


def domains_file_for(corpus_dir: Path, settings: Settings) -> Path:
    """The corpus's own ``domains.yaml``, else the configured (bundled) one."""
    own = Path(corpus_dir) / "domains.yaml"
    return own if own.is_file() else settings.resolved_domains_file


def run_ingest(
    settings: Settings, corpus_dir: Path, *, embedder: Embedder | None = None, **options: object
) -> IngestResult:
    embedder = embedder or make_embedder(settings)
    chunker = Chunker(
        embedder.count_tokens, max_tokens=settings.chunk_tokens, overlap_tokens=settings.chunk_overlap_tokens
    )
    options.setdefault("domains_file", domains_file_for(corpus_dir, settings))
    options.setdefault("calibration", settings.calibration)
    options.setdefault("keep_versions", settings.keep_versions)
    options.setdefault("sentence_vectors", settings.sentence_vectors)
    options.setdefault("vectors", settings.vector_backend_config)
    options.setdefault("vector_index", settings.vector_index)
    options.setdefault("retrieval", settings.retrieval)
    return build_version(Path(corpus_dir), IndexStore(settings.index_dir), embedder, chunker, **options)  # type: ignore[arg-type]


def rollback_index(settings: Settings, version: str | None = None) -> str:
    """Make ``version`` (default: the one before the live one) live again, and on Milvus point the
    live alias back at its collection; returns the live version."""
    store = IndexStore(settings.index_dir)
    live = store.rollback(version)
    vector_store = store.manifest(live).get("vector_store", {})
    point_live_alias(store.versions_dir / live, vector_store, milvus_uri=settings.milvus_uri)
    return live
