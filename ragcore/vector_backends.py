"""Which ``VectorIndex`` a version's chunk vectors live in: FAISS files or a Milvus collection.

The backend is chosen at ingest (``DOCENT_VECTOR_BACKEND``) and recorded in the manifest and by
the file the version directory holds (``chunks.faiss`` or the pointer ``chunks.milvus.json``), so
a reader opens whatever the version was built with. FAISS stays the zero-setup default.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ragcore.ann_index import build_vector_index, load_vector_index
from ragcore.errors import ConfigError
from ragcore.faiss_index import FaissIndex, VectorIndex
from ragcore.settings import VectorIndexSettings

log = logging.getLogger(__name__)

FAISS_FILE = "chunks.faiss"
MILVUS_POINTER = "chunks.milvus.json"


@dataclass(frozen=True)
class VectorBackend:
    """Where ingest writes chunk vectors; ``uri``/``prefix`` only matter for Milvus."""

    name: str = "faiss"
    uri: str | None = None
    prefix: str = "docent"

    def __post_init__(self) -> None:
        if self.name not in ("faiss", "milvus"):
            raise ConfigError(f"unknown vector backend {self.name!r}; expected faiss or milvus")
        if self.name == "milvus" and not self.uri:
            raise ConfigError("the milvus vector backend needs DOCENT_MILVUS_URI (e.g. http://127.0.0.1:19530)")

    @property
    def kind(self) -> str:
        return "milvus-flat-ip" if self.name == "milvus" else FaissIndex.kind

    def write(self, version_dir: Path, vectors: np.ndarray, faiss_settings: VectorIndexSettings | None = None) -> dict:
        """Store ``vectors`` for the (still staging) version; returns the manifest's ``vector_store``
        (backend, kind and the index's parameters). FAISS builds the kind ``faiss_settings`` choose:
        exact up to its ``exact_max`` chunks, IVF or HNSW beyond."""
        if self.name == "faiss":
            index, params = build_vector_index(vectors, faiss_settings or VectorIndexSettings())
            index.save(version_dir / FAISS_FILE)
            return {"backend": "faiss", **params}
        from ragcore.milvus_index import MilvusIndex, collection_name

        assert self.uri is not None
        collection = collection_name(self.prefix, version_dir.name.removeprefix(".staging-"))
        milvus = MilvusIndex.create(self.uri, collection, dim=vectors.shape[1])
        milvus.add(vectors)
        milvus.save(version_dir / MILVUS_POINTER)
        return {"backend": "milvus", "kind": MilvusIndex.kind, "collection": collection, "prefix": self.prefix}

    def discard(self, version_dir: Path) -> None:
        """Drop what :meth:`write` created for a version that will never be published."""
        if self.name == "milvus" and self.uri:
            from ragcore.milvus_index import client_for, collection_name

            collection = collection_name(self.prefix, version_dir.name.removeprefix(".staging-"))
            try:
                client_for(self.uri).drop_collection(collection)
            except Exception as exc:  # the build already failed; report, don't mask its error
                log.warning("could not drop milvus collection %s: %s", collection, exc)

    def published(self, version: str, kept: list[str]) -> None:
        """After the ``CURRENT`` flip: point the live alias at the new collection, drop unkept ones."""
        if self.name != "milvus":
            return
        from ragcore.milvus_index import collection_name, drop_collections, point_alias

        assert self.uri is not None
        point_alias(self.uri, self.prefix, collection_name(self.prefix, version))
        drop_collections(self.uri, self.prefix, keep={collection_name(self.prefix, v) for v in kept})


def open_vectors(version_dir: Path, *, milvus_uri: str | None = None) -> VectorIndex:
    """The chunk-vector index of a version directory, whichever backend built it."""
    pointer = version_dir / MILVUS_POINTER
    if pointer.is_file():
        from ragcore.milvus_index import MilvusIndex

        return MilvusIndex.load(pointer, uri=milvus_uri)
    return load_vector_index(version_dir / FAISS_FILE)


def point_live_alias(version_dir: Path, vector_store: dict, *, milvus_uri: str | None = None) -> None:
    """Make the Milvus live alias name the collection of ``version_dir`` (``vector_store``: its
    manifest's entry) after a rollback, so clients that read the alias see the version ``CURRENT``
    names; a FAISS version has no alias."""
    if vector_store.get("backend") != "milvus":
        return
    from ragcore.milvus_index import point_alias

    recorded_uri = json.loads((version_dir / MILVUS_POINTER).read_text(encoding="utf-8"))["uri"]
    point_alias(milvus_uri or recorded_uri, vector_store["prefix"], vector_store["collection"])
