import math

import pytest

from evals.ranking import documents_in_order, mrr_at_k, ndcg_at_k, recall_at_k


def test_ndcg_matches_a_hand_computed_case():
    qrels = {"a": 2, "b": 1, "c": 0}
    ranking = ["x", "b", "a"]
    dcg = 1 / math.log2(3) + 2 / math.log2(4)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranking, qrels, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b"], qrels, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], qrels, 10) == 0.0
    assert ndcg_at_k(["x", "a"], qrels, 1) == 0.0  # the cut-off applies


def test_recall_and_mrr():
    qrels = {"a": 1, "b": 1}
    assert recall_at_k(["a", "x", "b"], qrels, 2) == 0.5
    assert recall_at_k(["a", "x", "b"], qrels, 3) == 1.0
    assert mrr_at_k(["x", "y", "b"], qrels, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["x", "y", "b"], qrels, 2) == 0.0


def test_chunk_rankings_become_document_rankings_at_the_best_chunk():
    assert documents_in_order(["d1", "d2", "d1", "d3", "d2"]) == ["d1", "d2", "d3"]
