"""The ``VectorIndex`` seam and its FAISS implementation (exact inner product by default; the
approximate kinds for large corpora are built and loaded by :mod:`ragcore.ann_index`)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import faiss
import numpy as np


class VectorIndex(Protocol):
    """Nearest neighbours by inner product over unit vectors.

    Contract: rows are numbered in the order they were added, from 0; ``search`` returns
    ``(scores, rows)`` of shape ``[n_queries, k]``, best first, padded with row ``-1`` when fewer
    than ``k`` vectors exist; ``save`` then ``load`` gives the same answers.
    """

    def add(self, vectors: np.ndarray) -> None: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def save(self, path: Path) -> None: ...

    def __len__(self) -> int: ...


class FaissIndex:
    """Inner-product search over any FAISS index: ``IndexFlatIP`` (exact) unless given another."""

    kind = "faiss-flat-ip"

    def __init__(self, dim: int, index: faiss.Index | None = None) -> None:
        self.dim = dim
        self._index = index if index is not None else faiss.IndexFlatIP(dim)

    def add(self, vectors: np.ndarray) -> None:
        if len(vectors):
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        return self._index.search(queries, k)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> FaissIndex:
        index = faiss.read_index(str(path))
        return cls(index.d, index)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def faiss_index(self) -> faiss.Index:
        """The wrapped FAISS index (its kind and search parameters)."""
        return self._index
