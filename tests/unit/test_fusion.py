import pytest

from ragcore.retrieval import fuse_ranks


def test_reciprocal_rank_fusion_on_a_hand_computed_case():
    fused = fuse_ranks([[10, 20, 30], [20, 40]], [1.0, 1.0], k=60)
    assert fused[20] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[10] == pytest.approx(1 / 61)
    assert fused[40] == pytest.approx(1 / 62)
    assert max(fused, key=fused.get) == 20  # found by both beats first-in-one


def test_fusion_weights_scale_each_ranking():
    fused = fuse_ranks([[1], [2]], [2.0, 1.0], k=60)
    assert fused[1] == pytest.approx(2 * fused[2])


def _chunk(row, doc, start, end, score):
    from ragcore.catalog import ChunkRecord
    from ragcore.retrieval import ScoredChunk

    return ScoredChunk(
        ChunkRecord(row, f"c{row}", doc, "law", "T", start, end, (), "text"), score, score, None, score, []
    )


def test_diversify_drops_overlaps_and_near_duplicates():
    import numpy as np

    from ragcore.retrieval import diversify

    chunks = [
        _chunk(0, "a", 0, 100, 0.9),
        _chunk(1, "a", 80, 180, 0.85),
        _chunk(2, "b", 0, 100, 0.8),
        _chunk(3, "c", 0, 100, 0.7),
    ]
    vectors = np.array([[1, 0, 0], [0.9, 0.436, 0], [1, 0, 0], [0, 1, 0]], dtype=np.float32)
    kept = diversify(chunks, vectors, k=3, duplicate_similarity=0.97, mmr_weight=0.0)
    assert [c.record.row for c in kept] == [0, 3]  # 1 overlaps 0 in doc a; 2 is a copy of 0


def test_mmr_prefers_a_different_passage_over_a_similar_better_one():
    import numpy as np

    from ragcore.retrieval import diversify

    chunks = [_chunk(0, "a", 0, 10, 0.9), _chunk(1, "b", 0, 10, 0.88), _chunk(2, "c", 0, 10, 0.8)]
    vectors = np.array([[1, 0], [0.9, 0.436], [0, 1]], dtype=np.float32)
    plain = diversify(chunks, vectors, k=2, duplicate_similarity=0.99, mmr_weight=0.0)
    mmr = diversify(chunks, vectors, k=2, duplicate_similarity=0.99, mmr_weight=0.5)
    assert [c.record.row for c in plain] == [0, 1] and [c.record.row for c in mmr] == [0, 2]


def test_rerank_score_on_a_hand_built_case():
    from ragcore.retrieval import rerank_score

    # 0.5 * dense + 0.5 * best sentence + 0.1 * fused
    assert rerank_score(1.0, 0.6, 0.8, 0.5, 0.1) == pytest.approx(0.8)
    # a chunk whose best sentence matches strongly overtakes a slightly better fused rank
    strong_sentence = rerank_score(0.9, 0.55, 0.85, 0.5, 0.1)
    weak_sentence = rerank_score(1.0, 0.6, 0.6, 0.5, 0.1)
    assert strong_sentence > weak_sentence
