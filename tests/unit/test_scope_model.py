"""The scope guard's and evidence gate's logistic models: held-out calibration, storage, data split."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ingest.calibration_sets import read_calibration_set
from ragcore.errors import ConfigError
from ragcore.scope import OUT_OF_SCOPE, UNANSWERABLE, LogisticModel, QueryFeatures, fit_logistic, in_calibration_half


def _features(value: float) -> QueryFeatures:
    return QueryFeatures(chunk=value, sentence=value, in_example=value, out_example=0.0, coverage=0.0, known=1.0)


def _clusters(seed: int = 0) -> tuple[list[QueryFeatures], np.ndarray, list[bool], list[str]]:
    """In-domain questions in two groups (one large, one small and harder) against out-of-scope ones."""
    rng = np.random.default_rng(seed)
    rows, vectors, positive, groups = [], [], [], []
    for group, count, centre in (("big", 300, 0.7), ("small", 40, 0.55), ("out", 300, 0.3)):
        for _ in range(count):
            rows.append(_features(float(rng.normal(centre, 0.08))))
            vector = rng.normal(0.0, 1.0, 8) + (2.0 if group != "out" else -2.0)
            vectors.append(vector / np.linalg.norm(vector))
            positive.append(group != "out")
            groups.append(group)
    return rows, np.array(vectors, dtype=np.float32), positive, groups


def test_threshold_keeps_every_group_within_its_false_refusal_budget():
    rows, _, positive, groups = _clusters()
    names = ("chunk", "sentence")
    model, figures = fit_logistic(rows, positive, names, max_false_negative=0.02, groups=groups)
    small = [r for r, g in zip(rows, groups) if g == "small"]
    pooled, _ = fit_logistic(rows, positive, names, max_false_negative=0.02)

    refused_small = np.mean([model.probability(r) < model.threshold for r in small])
    assert refused_small <= 0.05  # the small, harder group is not sacrificed to the big one
    assert model.threshold <= pooled.threshold
    assert figures["positives"] == 340 and figures["negatives"] == 300
    assert figures["positives_rejected"] <= 0.02 + 1e-9
    assert 0.0 <= figures["negatives_accepted"] < 0.5


def test_every_group_keeps_each_group_within_the_budget_on_its_own():
    rows, _, positive, groups = _clusters(3)
    model, _ = fit_logistic(rows, positive, ("chunk",), max_false_negative=0.05, groups=groups, every_group=True)
    for group in ("big", "small"):
        members = [r for r, g in zip(rows, groups) if g == group]
        assert np.mean([model.probability(r) < model.threshold for r in members]) <= 0.1


def test_embedding_weights_are_stored_and_reproduce_the_same_probabilities():
    rows, vectors, positive, _ = _clusters(1)
    model, _ = fit_logistic(rows, positive, ("chunk",), max_false_negative=0.01, vectors=vectors)
    assert len(model.vector_coef) == vectors.shape[1]

    restored = LogisticModel.from_dict(json.loads(json.dumps(model.to_dict())))
    for row, vector in zip(rows[:20], vectors[:20]):
        assert restored.probability(row, vector) == pytest.approx(model.probability(row, vector))
    with pytest.raises(ValueError, match="query_vector"):
        model.probability(rows[0])


def test_the_embedding_separates_what_similarity_alone_cannot():
    """Same similarity features for both classes: only the embedding tells them apart."""
    rng = np.random.default_rng(2)
    rows = [_features(0.5) for _ in range(200)]
    positive = [i % 2 == 0 for i in range(200)]
    vectors = np.array([rng.normal(0.0, 1.0, 8) + (1.5 if p else -1.5) for p in positive], dtype=np.float32)
    without, _ = fit_logistic(rows, positive, ("chunk",), max_false_negative=0.05)
    with_vectors, figures = fit_logistic(rows, positive, ("chunk",), max_false_negative=0.05, vectors=vectors)
    assert figures["negatives_accepted"] < 0.2
    accepted = [
        with_vectors.probability(r, v) >= with_vectors.threshold for r, v, p in zip(rows, vectors, positive) if not p
    ]
    assert np.mean(accepted) < 0.2
    assert all(without.probability(r) == without.probability(rows[0]) for r in rows)


def test_calibration_half_depends_on_the_text_only_and_splits_about_evenly():
    questions = [f"question number {i} about something" for i in range(2000)]
    share = np.mean([in_calibration_half(q) for q in questions])
    assert 0.45 < share < 0.55
    assert in_calibration_half("What Is  Asthma?") == in_calibration_half("what is asthma?")


def test_calibration_set_uses_single_turn_items_of_the_calibration_half(tmp_path):
    def item(question, reason=None, history=(), domain="healthcare"):
        return {
            "id": question,
            "question": question,
            "history": list(history),
            "domain": domain,
            "should_refuse": reason is not None,
            "refusal_reason": reason,
            "gold_sources": [],
            "gold_sections": [],
        }

    questions = [f"is thing {i} covered" for i in range(60)]
    rows = [item(q, reason=("out_of_scope", "insufficient_evidence", None)[i % 3]) for i, q in enumerate(questions)]
    rows.append(item("and what about it?", history=[{"role": "user", "content": "x"}]))
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")

    picked = read_calibration_set(path, limit=1000)
    assert picked and all(in_calibration_half(q.question) for q in picked)
    assert len(picked) == sum(in_calibration_half(q) for q in questions)
    assert {q.label for q in picked} <= {OUT_OF_SCOPE, UNANSWERABLE, "labelled:healthcare"}
    assert all(q.question != "and what about it?" for q in picked)
    assert len(read_calibration_set(path, limit=5)) == 5


def test_a_broken_calibration_set_is_a_config_error_naming_the_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"question": "fine", "history": []}\nnot json\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.jsonl:2"):
        read_calibration_set(path, limit=10)
    with pytest.raises(ConfigError, match="does not exist"):
        read_calibration_set(tmp_path / "missing.jsonl", limit=10)
