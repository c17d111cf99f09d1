"""One index version loaded for queries, with the manifest guard."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ragcore.bm25_index import BM25Index
from ragcore.catalog import Catalog
from ragcore.errors import IndexMismatch, IndexStoreError
from ragcore.faiss_index import VectorIndex
from ragcore.index_store import MANIFEST, IndexStore
from ragcore.legal_citations import CitedDocuments
from ragcore.spelling import VOCABULARY_FILE, read_vocabulary
from ragcore.vector_backends import open_vectors

CHUNK_VECTORS = "chunks.npy"
SENTENCE_VECTORS = "sentences.npy"
VECTOR_INDEX = "chunks.faiss"
LEXICAL_DIR = "bm25"
SCOPE_MODEL = "scope.json"
SCOPE_EXAMPLES = "scope_examples.npy"
DOMAINS_FILE = "domains.yaml"


@dataclass
class LoadedIndex:
    version: str
    path: Path
    manifest: dict
    catalog: Catalog
    vectors: VectorIndex
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    lexical: BM25Index
    chunk_domains: list[str]
    scope_model: dict
    scope_examples: np.ndarray
    cited: CitedDocuments  # documents whose title is a legal citation, by citation
    vocabulary: dict[str, int] = field(default_factory=dict)  # corpus word -> count, for spelling


def check_manifest(
    manifest: dict, *, model_id: str, dim: int, chunker_version: str, backend: str | None = None
) -> None:
    """Raise :class:`IndexMismatch` when the index was built with other components (``backend``:
    the running embedding backend; versions from before backends were recorded were built with torch)."""
    embedding = manifest.get("embedding", {})
    if backend is not None and embedding.get("backend", "torch") != backend:
        raise IndexMismatch("embedding backend", embedding.get("backend", "torch"), backend)
    if embedding.get("model_id") != model_id:
        raise IndexMismatch("embedding model", embedding.get("model_id"), model_id)
    if embedding.get("dim") != dim:
        raise IndexMismatch("embedding dimension", embedding.get("dim"), dim)
    built = manifest.get("chunker", {}).get("version")
    if built != chunker_version:
        raise IndexMismatch("chunker version", built, chunker_version)


def load_version(store: IndexStore, version: str | None = None, *, milvus_uri: str | None = None) -> LoadedIndex:
    """Load ``version`` (default: the live one) into memory-mapped arrays and a catalog."""
    return load_path(store.versions_dir / version if version else store.require_current(), milvus_uri=milvus_uri)


def load_path(path: Path, *, with_scope: bool = True, milvus_uri: str | None = None) -> LoadedIndex:
    """Load the version directory ``path``; ``with_scope=False`` while the scope model is fitted;
    ``milvus_uri`` overrides the Milvus address recorded at ingest (replicas may reach it by another name)."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8")) if with_scope else {}
        catalog = Catalog(path / "catalog.sqlite")
        return LoadedIndex(
            version=path.name,
            path=path,
            manifest=manifest,
            catalog=catalog,
            vectors=open_vectors(path, milvus_uri=milvus_uri),
            chunk_vectors=_mapped(path / CHUNK_VECTORS),
            sentence_vectors=_mapped(path / SENTENCE_VECTORS),
            lexical=BM25Index.load(path / LEXICAL_DIR),
            chunk_domains=catalog.chunk_domains(),
            scope_model=json.loads((path / SCOPE_MODEL).read_text(encoding="utf-8")) if with_scope else {},
            scope_examples=np.load(path / SCOPE_EXAMPLES) if with_scope else np.zeros((0, 0), np.float32),
            cited=CitedDocuments(catalog.titles()),
            vocabulary=read_vocabulary(path / VOCABULARY_FILE),
        )
    except (OSError, ValueError, RuntimeError) as exc:
        raise IndexStoreError(f"cannot load index version at {path}: {exc}") from exc


def _mapped(path: Path) -> np.ndarray:
    """The array memory-mapped, as a plain ``ndarray`` view of the mapping: the same pages, without
    ``np.memmap``'s Python-level bookkeeping on every slice (queries slice these arrays dozens of times)."""
    return np.asarray(np.load(path, mmap_mode="r"))
