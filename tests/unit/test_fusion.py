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
