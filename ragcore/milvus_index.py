"""The ``VectorIndex`` seam on Milvus: one collection per index version, an alias for the live one.

Milvus is a distributed vector database; the client (``pymilvus.MilvusClient``) speaks the same
gRPC API to a standalone server and to a multi-node cluster, so only the URI changes. Each index
version gets its own collection (``<prefix>_v<version>``) with the exact ``FLAT`` index and the
inner-product metric, i.e. the same answers as FAISS's ``IndexFlatIP``; the primary key is the row
number, so rows keep the ``VectorIndex`` numbering. Ingest fills the new collection before the
version is published, then points the alias ``<prefix>_live`` at it (Milvus swaps an alias
atomically). A replica serves the collection its loaded version names, never a moving target,
so catalog rows and vector rows always come from the same version.

>>> index = MilvusIndex.create("http://127.0.0.1:19530", "docent_vdemo", dim=384)
>>> index.add(vectors); index.save(version_dir / "chunks.milvus.json")
>>> MilvusIndex.load(version_dir / "chunks.milvus.json").search(query, 5)
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ragcore.errors import ConfigError, IndexStoreError

log = logging.getLogger(__name__)

_ROW, _VECTOR = "row", "vec"
_INSERT_BATCH = 5_000  # rows per insert call: 5,000 x 384 floats stays far below gRPC's message limit
_MAX_TOPK = 16_384  # Milvus's limit on k


@lru_cache(maxsize=8)
def client_for(uri: str) -> Any:
    """One client (gRPC channel) per URI and process; imported lazily so FAISS users need no pymilvus."""
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:  # pragma: no cover - pymilvus is a dependency
        raise ConfigError("the milvus vector backend needs pymilvus: pip install pymilvus") from exc
    try:
        return MilvusClient(uri=uri, timeout=30)
    except Exception as exc:
        raise IndexStoreError(f"cannot connect to Milvus at {uri}: {exc}") from exc


def collection_name(prefix: str, version: str) -> str:
    """A valid collection name (letters, digits, underscores) for an index version."""
    return f"{prefix}_v" + re.sub(r"[^0-9A-Za-z_]", "_", version)


def live_alias(prefix: str) -> str:
    return f"{prefix}_live"


class MilvusIndex:
    """Exact inner-product search in one Milvus collection (``FLAT`` index, ``IP`` metric)."""

    kind = "milvus-flat-ip"

    def __init__(self, uri: str, collection: str, dim: int, count: int, *, consistency: str = "Bounded") -> None:
        self.uri, self.collection, self.dim = uri, collection, dim
        self._count = count
        self._client = client_for(uri)
        # Strong waits for the next time tick (up to ~200 ms a search) so a writer reads its own inserts;
        # a published collection never changes again, so readers need no such wait.
        self._consistency = consistency

    @classmethod
    def create(cls, uri: str, collection: str, *, dim: int) -> MilvusIndex:
        """A new, empty, loaded collection (an existing one of that name is replaced)."""
        from pymilvus import DataType, MilvusClient

        client = client_for(uri)
        if client.has_collection(collection):
            client.drop_collection(collection)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field(_ROW, DataType.INT64, is_primary=True)
        schema.add_field(_VECTOR, DataType.FLOAT_VECTOR, dim=dim)
        params = client.prepare_index_params()
        params.add_index(field_name=_VECTOR, index_type="FLAT", metric_type="IP")
        client.create_collection(collection, schema=schema, index_params=params, consistency_level="Strong")
        client.load_collection(collection)
        return cls(uri, collection, dim, 0, consistency="Strong")

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        for start in range(0, len(vectors), _INSERT_BATCH):
            batch = vectors[start : start + _INSERT_BATCH]
            rows = [{_ROW: self._count + i, _VECTOR: v} for i, v in enumerate(batch.tolist())]
            self._client.insert(self.collection, rows)
            self._count += len(rows)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        rows = np.full((len(queries), k), -1, dtype=np.int64)
        limit = min(k, self._count, _MAX_TOPK)
        if limit == 0 or len(queries) == 0:
            return scores, rows
        hits = self._client.search(
            self.collection,
            data=queries.tolist(),
            limit=limit,
            anns_field=_VECTOR,
            search_params={"metric_type": "IP"},
            output_fields=[],
            consistency_level=self._consistency,
        )
        for q, found in enumerate(hits):
            for j, hit in enumerate(found):
                rows[q, j], scores[q, j] = hit["id"], hit["distance"]
        return scores, rows

    def save(self, path: Path) -> None:
        """Make the inserts durable and write the pointer file a version directory keeps."""
        self._client.flush(self.collection)
        pointer = {"kind": self.kind, "uri": self.uri, "collection": self.collection, "dim": self.dim}
        Path(path).write_text(json.dumps(pointer | {"count": self._count}, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, *, uri: str | None = None) -> MilvusIndex:
        """Open the collection a pointer file names; ``uri`` overrides the one recorded at ingest."""
        pointer = json.loads(Path(path).read_text(encoding="utf-8"))
        uri = uri or pointer["uri"]
        client = client_for(uri)
        if not client.has_collection(pointer["collection"]):
            raise IndexStoreError(f"Milvus at {uri} has no collection {pointer['collection']!r} (named by {path})")
        client.load_collection(pointer["collection"])
        return cls(uri, pointer["collection"], int(pointer["dim"]), int(pointer["count"]))

    def __len__(self) -> int:
        return self._count


def point_alias(uri: str, prefix: str, collection: str) -> None:
    """Atomically point ``<prefix>_live`` at ``collection`` (creating the alias the first time)."""
    client = client_for(uri)
    alias = live_alias(prefix)
    if alias in client.list_aliases(collection).get("aliases", []):
        return
    try:
        client.describe_alias(alias)
    except Exception:  # no such alias yet
        client.create_alias(collection, alias)
    else:
        client.alter_alias(collection, alias)
    log.info("milvus alias %s now names %s", alias, collection)


def drop_collections(uri: str, prefix: str, *, keep: set[str]) -> list[str]:
    """Drop this prefix's version collections not in ``keep`` (after versions are garbage-collected)."""
    client = client_for(uri)
    pattern = re.compile(re.escape(prefix) + r"_v")
    doomed = [c for c in client.list_collections() if pattern.match(c) and c not in keep]
    dropped = []
    for name in doomed:
        try:
            client.drop_collection(name)
            dropped.append(name)
        except Exception as exc:  # e.g. the live alias still names it after a rollback
            log.warning("kept milvus collection %s: %s", name, exc)
    return dropped
