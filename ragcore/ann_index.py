"""The scale path of the vector index: which FAISS index a version gets, and how it is loaded.

Up to ``exact_max`` chunks the index is exact (``IndexFlatIP``); beyond that (or when forced) it is
approximate: IVF-Flat with a k-means quantiser trained on a sample of the vectors (its inverted
lists are memory-mapped when loaded, so the pages are shared with the OS cache and only the lists
a query touches are read), or HNSW (a graph held in memory). The kind and its parameters are
recorded in the manifest. All kinds sit behind the unchanged :class:`~ragcore.faiss_index.VectorIndex`
contract through :class:`~ragcore.faiss_index.FaissIndex`.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import faiss
import numpy as np

from ragcore.faiss_index import FaissIndex
from ragcore.settings import VectorIndexSettings

log = logging.getLogger(__name__)

KINDS = {"flat": "faiss-flat-ip", "ivf": "faiss-ivf-flat-ip", "hnsw": "faiss-hnsw-flat-ip"}
_TRAIN_PER_LIST = 40  # k-means wants about 39 points per centroid
_MAX_TRAIN = 200_000


def choose_kind(count: int, settings: VectorIndexSettings) -> str:
    """``flat``, ``ivf`` or ``hnsw`` for an index of ``count`` vectors."""
    if settings.kind != "auto":
        return settings.kind
    return "flat" if count <= settings.exact_max else settings.approximate


def ivf_lists(count: int) -> int:
    """About sqrt(n) lists (a power of two), so a probe scans ~nprobe/sqrt(n) of the vectors."""
    return max(1, min(65536, 2 ** round(math.log2(max(1.0, math.sqrt(count))))))


def build_vector_index(
    vectors: np.ndarray, settings: VectorIndexSettings, *, seed: int = 52
) -> tuple[FaissIndex, dict]:
    """The index for ``vectors`` (unit rows, added in order) and its manifest entry."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    count, dim = vectors.shape
    kind = choose_kind(count, settings)
    params: dict[str, int | str] = {"kind": KINDS[kind], "count": count}
    index: faiss.Index
    if kind == "ivf" and count:
        nlist = ivf_lists(count)
        ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = min(count, max(nlist * _TRAIN_PER_LIST, 10_000), _MAX_TRAIN)
        rows = np.random.default_rng(seed).choice(count, size=sample, replace=False) if sample < count else None
        ivf.train(vectors[np.sort(rows)] if rows is not None else vectors)
        ivf.add(vectors)
        ivf.nprobe = min(settings.ivf_nprobe, nlist)
        params |= {"nlist": nlist, "nprobe": int(ivf.nprobe), "trained_on": sample}
        log.info("IVF index: %d vectors in %d lists (trained on %d), nprobe %d", count, nlist, sample, ivf.nprobe)
        index = ivf
    elif kind == "hnsw" and count:
        hnsw = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = settings.hnsw_ef_construction
        hnsw.hnsw.efSearch = settings.hnsw_ef_search
        hnsw.add(vectors)
        index = hnsw
        params |= {
            "m": settings.hnsw_m,
            "ef_construction": settings.hnsw_ef_construction,
            "ef_search": settings.hnsw_ef_search,
        }
    else:  # exact; also an empty corpus, which nothing can train on
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        params["kind"] = KINDS["flat"]
    return FaissIndex(dim, index), params


def load_vector_index(path: Path) -> FaissIndex:
    """Read any kind; an IVF index's lists are memory-mapped (read-only) rather than copied."""
    try:
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:  # kinds without a mapped form
        index = faiss.read_index(str(path))
    return FaissIndex(index.d, index)


def index_kind(index: FaissIndex) -> str:
    """The manifest name of a loaded index's kind."""
    inner = index.faiss_index
    if isinstance(inner, faiss.IndexIVF):
        return KINDS["ivf"]
    if isinstance(inner, faiss.IndexHNSW):
        return KINDS["hnsw"]
    return KINDS["flat"]
