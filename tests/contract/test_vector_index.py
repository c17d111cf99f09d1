"""Contract of the ``VectorIndex`` seam: FAISS and Milvus each subclass the contract class and
provide ``make_index(dim)`` and ``reopen(index, directory)`` (save, then load from what was saved)."""

import uuid

import numpy as np
import pytest

from ragcore.faiss_index import FaissIndex


def unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class VectorIndexContract:
    dim = 16

    def test_rows_are_numbered_in_insertion_order_and_ranked_by_inner_product(self, make_index):
        vectors = unit_vectors(40, self.dim)
        index = make_index(self.dim)
        index.add(vectors[:25])
        index.add(vectors[25:])  # a second batch continues the numbering
        assert len(index) == 40
        queries = unit_vectors(3, self.dim, seed=1)
        scores, rows = index.search(queries, 5)
        assert scores.shape == rows.shape == (3, 5)
        expected = vectors @ queries.T
        for q in range(3):
            assert list(rows[q]) == list(np.argsort(-expected[:, q], kind="stable")[:5])
            np.testing.assert_allclose(scores[q], expected[rows[q], q], rtol=1e-4, atol=1e-5)
            assert all(scores[q][i] >= scores[q][i + 1] for i in range(4))

    def test_a_stored_vector_finds_itself_first_with_score_one(self, make_index):
        vectors = unit_vectors(30, self.dim, seed=2)
        index = make_index(self.dim)
        index.add(vectors)
        scores, rows = index.search(vectors[17], 1)
        assert rows[0, 0] == 17 and scores[0, 0] == pytest.approx(1.0, abs=1e-4)

    def test_fewer_vectors_than_k_pads_with_row_minus_one(self, make_index):
        index = make_index(self.dim)
        index.add(unit_vectors(3, self.dim, seed=3))
        scores, rows = index.search(unit_vectors(2, self.dim, seed=4), 6)
        assert rows.shape == (2, 6)
        assert all(sorted(rows[q, :3]) == [0, 1, 2] for q in range(2))
        assert (rows[:, 3:] == -1).all()

    def test_save_then_load_gives_the_same_answers(self, make_index, reopen, tmp_path):
        vectors = unit_vectors(50, self.dim, seed=5)
        index = make_index(self.dim)
        index.add(vectors)
        queries = unit_vectors(4, self.dim, seed=6)
        before = index.search(queries, 7)
        loaded = reopen(index, tmp_path)
        after = loaded.search(queries, 7)
        assert len(loaded) == 50
        np.testing.assert_array_equal(before[1], after[1])
        np.testing.assert_allclose(before[0], after[0], rtol=1e-5, atol=1e-6)


class TestFaissIndex(VectorIndexContract):
    @pytest.fixture
    def make_index(self):
        return FaissIndex

    @pytest.fixture
    def reopen(self):
        def reopen(index, directory):
            index.save(directory / "chunks.faiss")
            return FaissIndex.load(directory / "chunks.faiss")

        return reopen


class TestMilvusIndex(VectorIndexContract):
    @pytest.fixture
    def make_index(self, milvus_uri):
        from ragcore.milvus_index import MilvusIndex

        return lambda dim: MilvusIndex.create(milvus_uri, f"contract_{uuid.uuid4().hex[:12]}", dim=dim)

    @pytest.fixture
    def reopen(self):
        from ragcore.milvus_index import MilvusIndex, client_for

        def reopen(index, directory):
            index.save(directory / "chunks.milvus.json")
            client_for.cache_clear()  # a new connection, as another process would open
            return MilvusIndex.load(directory / "chunks.milvus.json")

        return reopen
