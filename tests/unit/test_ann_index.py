"""The vector index's scale path: which kind a size gets, and that the approximate kinds find what
exact search finds, through the unchanged ``VectorIndex`` contract, before and after save/load."""

import faiss
import numpy as np
import pytest

from ragcore.ann_index import KINDS, build_vector_index, choose_kind, load_vector_index
from ragcore.settings import VectorIndexSettings


def clustered(n: int, *, seed: int, dim: int = 64, clusters: int = 40) -> np.ndarray:
    centres = np.random.default_rng(0).standard_normal((clusters, dim)).astype(np.float32)
    rng = np.random.default_rng(seed)
    x = centres[rng.integers(0, clusters, n)] + rng.standard_normal((n, dim)).astype(np.float32) / np.sqrt(dim) * 4
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_auto_is_exact_up_to_the_threshold_then_approximate():
    settings = VectorIndexSettings(exact_max=1000, approximate="hnsw")
    assert choose_kind(1000, settings) == "flat"
    assert choose_kind(1001, settings) == "hnsw"
    assert choose_kind(10, VectorIndexSettings(kind="ivf")) == "ivf"


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_kinds_agree_with_exact_search_after_a_reload(kind, tmp_path):
    vectors, queries = clustered(6000, seed=1), clustered(50, seed=2)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, 10)

    index, params = build_vector_index(vectors, VectorIndexSettings(kind=kind, ivf_nprobe=16))
    assert params["kind"] == KINDS[kind] and params["count"] == len(index) == 6000
    index.save(tmp_path / "chunks.faiss")
    loaded = load_vector_index(tmp_path / "chunks.faiss")
    scores, rows = loaded.search(queries, 10)
    recall = np.mean([len(set(r) & set(t)) / 10 for r, t in zip(rows, truth)])
    assert recall >= 0.9
    assert np.all(np.diff(scores, axis=1) <= 1e-6)  # best first
    assert np.array_equal(rows, index.search(queries, 10)[1])  # the reloaded (mapped) index answers the same


def test_ivf_lists_are_memory_mapped_when_loaded(tmp_path):
    index, _ = build_vector_index(clustered(3000, seed=3), VectorIndexSettings(kind="ivf"))
    index.save(tmp_path / "chunks.faiss")
    loaded = load_vector_index(tmp_path / "chunks.faiss").faiss_index
    lists = faiss.extract_index_ivf(loaded).invlists
    assert not isinstance(faiss.downcast_InvertedLists(lists), faiss.ArrayInvertedLists)


def test_a_tiny_corpus_stays_exact_even_when_ivf_is_asked_for_nothing():
    index, params = build_vector_index(np.zeros((0, 8), np.float32), VectorIndexSettings(kind="ivf"))
    assert params["kind"] == KINDS["flat"] and len(index) == 0
