"""The scope guard and evidence gate: two small logistic models over similarity features.

Scope (is this healthcare, law or education at all?) uses
``chunk`` (cosine to the best retrieved chunk — all the usual single-threshold pipeline has),
``sentence`` (cosine to the best sentence inside the retrieved chunks), ``in_example`` and
``out_example`` (cosine to the nearest in-domain and out-of-scope example question).

Evidence (do the sources answer it?) uses ``sentence``, ``chunk``, ``coverage`` (share of the
query's terms found in the top three chunks) and ``known`` (share of the query's terms that
occur anywhere in the corpus: a state, drug or institution the corpus never names is a strong
sign the answer is not there).

Both are fitted at ingest time on the example questions ``domains.yaml`` ships — answerable
``examples``, ``unanswerable_examples`` and ``out_of_scope`` examples — and stored with their
thresholds in the index version (``scope.json``). Example-similarity features leave the example
itself out, so no question matches itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCOPE_FEATURES = ("chunk", "sentence", "in_example", "out_example")
EVIDENCE_FEATURES = ("sentence", "chunk", "coverage", "known")
OUT_OF_SCOPE = "out_of_scope"
UNANSWERABLE = "unanswerable"


@dataclass(frozen=True)
class QueryFeatures:
    chunk: float
    sentence: float
    in_example: float
    out_example: float
    coverage: float
    known: float

    def values(self, names: tuple[str, ...]) -> list[float]:
        return [float(getattr(self, n)) for n in names]


@dataclass(frozen=True)
class ScopeDecision:
    in_scope: bool
    scope_probability: float
    enough_evidence: bool
    evidence_probability: float
    features: QueryFeatures


def example_features(
    query_vector: np.ndarray, example_vectors: np.ndarray, labels: list[str], *, exclude: int | None = None
) -> tuple[float, float]:
    """``(nearest in-domain example similarity, nearest out-of-scope example similarity)``."""
    sims = example_vectors @ query_vector
    if exclude is not None:
        sims = sims.copy()
        sims[exclude] = -1.0
    is_out = np.array([label == OUT_OF_SCOPE for label in labels])
    return float(np.where(is_out, -1.0, sims).max()), float(np.where(is_out, sims, -1.0).max())


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, features: QueryFeatures) -> float:
        z = sum(c * v for c, v in zip(self.coef, features.values(self.features))) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> LogisticModel:
        return cls(
            tuple(raw["features"]),
            tuple(float(c) for c in raw["coef"]),
            float(raw["intercept"]),
            float(raw["threshold"]),
        )


def fit_logistic(
    rows: list[QueryFeatures], positive: list[bool], names: tuple[str, ...], *, max_false_negative: float
) -> LogisticModel:
    """Fit the model, then set its threshold from held-out predictions.

    Five-fold cross-validated probabilities of the positive examples (in scope / answerable) give
    the threshold: the highest one that rejects at most ``max_false_negative`` of them. So the
    threshold is calibrated on examples the fitted coefficients did not see, and the operator
    chooses the trade-off as a rate, not as an opaque probability.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    x = np.array([r.values(names) for r in rows])
    y = np.array(positive, dtype=int)
    model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
    folds = StratifiedKFold(n_splits=min(5, int(y.sum()), int(len(y) - y.sum())), shuffle=True, random_state=52)
    held_out = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
    positives = np.sort(held_out[y == 1])
    threshold = float(positives[int(np.floor(max_false_negative * len(positives)))]) - 1e-9
    model.fit(x, y)
    return LogisticModel(names, tuple(float(c) for c in model.coef_[0]), float(model.intercept_[0]), threshold)


class ScopeGuard:
    """Applies the fitted scope and evidence models to one query."""

    def __init__(
        self, scope: LogisticModel, evidence: LogisticModel, example_vectors: np.ndarray, example_labels: list[str]
    ) -> None:
        self.scope = scope
        self.evidence = evidence
        self.example_vectors = example_vectors
        self.example_labels = example_labels

    @classmethod
    def from_params(cls, params: dict, example_vectors: np.ndarray) -> ScopeGuard:
        return cls(
            LogisticModel.from_dict(params["scope"]),
            LogisticModel.from_dict(params["evidence"]),
            example_vectors,
            list(params["example_labels"]),
        )

    def decide(self, features: QueryFeatures) -> ScopeDecision:
        p_scope = self.scope.probability(features)
        p_evidence = self.evidence.probability(features)
        return ScopeDecision(
            p_scope >= self.scope.threshold, p_scope, p_evidence >= self.evidence.threshold, p_evidence, features
        )


def query_features(
    query: str,
    query_vector: np.ndarray,
    evidence: list,
    lexical,
    example_vectors: np.ndarray,
    labels: list[str],
    *,
    exclude: int | None = None,
) -> QueryFeatures:
    """Features of one query from its retrieval results (``list[ScoredChunk]``) and the examples."""
    in_example, out_example = example_features(query_vector, example_vectors, labels, exclude=exclude)
    terms = lexical.terms(query)
    top_terms = lexical.terms(" ".join(f"{c.record.title} {c.record.text}" for c in evidence[:3]))
    return QueryFeatures(
        chunk=max((c.dense for c in evidence), default=0.0),
        sentence=max((c.best_sentence for c in evidence), default=0.0),
        in_example=in_example,
        out_example=out_example,
        coverage=len(terms & top_terms) / len(terms) if terms else 0.0,
        known=lexical.known_fraction(terms),
    )
