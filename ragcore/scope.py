"""The scope guard and evidence gate: two small logistic models over similarity features.

Scope (is this healthcare, law or education at all?) uses the query's embedding itself (a
linear direction through the 384 dimensions separates "banking", "trivia" or "small talk" from
the three domains far better than any single similarity), plus ``chunk`` (cosine to the best
retrieved chunk — all the usual single-threshold pipeline has), ``sentence`` (cosine to the best
sentence inside the retrieved chunks), ``in_example`` and ``out_example`` (cosine to the nearest
in-domain and out-of-scope example question).

Evidence (do the sources answer it?) uses ``sentence``, ``chunk``, ``coverage`` (share of the
query's terms found in the top three chunks), ``known`` (share of the query's terms that
occur anywhere in the corpus: a state, drug or institution the corpus never names is a strong
sign the answer is not there), ``unmatched`` (1 when the question names a place, provider, product
or year that none of the retrieved chunks' documents mentions: ``ragcore.specific_terms``) and the query's
embedding too: questions after a price, a named
provider's or a state's own rule, or one person's case have a recognisable shape, and reference
corpora rarely answer them.

Both are fitted at ingest time on the example questions ``domains.yaml`` ships — answerable
``examples``, ``unanswerable_examples`` and ``out_of_scope`` examples — plus any labelled
calibration sets the operator names (``calibration.extra_sets``), and stored with their
thresholds in the index version (``scope.json``). Example-similarity features leave the example
itself out, so no question matches itself.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ragcore.specific_terms import unmatched_terms

SCOPE_FEATURES = ("chunk", "sentence", "in_example", "out_example")
EVIDENCE_FEATURES = ("sentence", "chunk", "coverage", "known", "unmatched")
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
    unmatched: float = 0.0

    def values(self, names: tuple[str, ...]) -> list[float]:
        return [float(getattr(self, n)) for n in names]


@dataclass(frozen=True)
class ScopeDecision:
    in_scope: bool
    scope_probability: float
    enough_evidence: bool
    evidence_probability: float
    features: QueryFeatures


class ExampleQuestions:
    """The training questions' embeddings, split once into in-domain and out-of-scope rows (this
    runs per query, and per training question at ingest)."""

    def __init__(self, vectors: np.ndarray, labels: list[str]) -> None:
        self.vectors = vectors
        is_out = np.array([label == OUT_OF_SCOPE for label in labels], dtype=bool)
        self._in_rows = np.flatnonzero(~is_out)
        self._out_rows = np.flatnonzero(is_out)

        self._self_similarity: np.ndarray | None = None

    def with_self_similarity(self) -> ExampleQuestions:
        """Compute every example's similarity to every other in one product (the ingest-time fit
        asks for all of them; one matrix product is far cheaper than a product per example)."""
        self._self_similarity = self.vectors @ self.vectors.T
        return self

    def nearest(self, query_vector: np.ndarray, *, exclude: int | None = None) -> tuple[float, float]:
        """``(nearest in-domain example similarity, nearest out-of-scope example similarity)``;
        ``exclude`` is the row of the query itself when the query is one of the examples."""
        if exclude is not None and self._self_similarity is not None:
            sims = self._self_similarity[exclude].copy()
        else:
            sims = self.vectors @ query_vector  # a fresh array: safe to edit
        if exclude is not None:
            sims[exclude] = -1.0
        return _max_or(sims, self._in_rows), _max_or(sims, self._out_rows)


def _max_or(sims: np.ndarray, rows: np.ndarray) -> float:
    return float(sims[rows].max()) if len(rows) else -1.0


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    vector_coef: tuple[float, ...] = ()  # weights on the query embedding; empty when unused

    def probability(self, features: QueryFeatures, query_vector: np.ndarray | None = None) -> float:
        z = sum(c * v for c, v in zip(self.coef, features.values(self.features))) + self.intercept
        if self.vector_coef:
            if query_vector is None:
                raise ValueError("this model scores the query embedding: pass query_vector")
            z += float(np.dot(np.asarray(self.vector_coef, dtype=np.float32), query_vector))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "vector_coef": list(self.vector_coef),
        }

    @classmethod
    def from_dict(cls, raw: dict) -> LogisticModel:
        return cls(
            tuple(raw["features"]),
            tuple(float(c) for c in raw["coef"]),
            float(raw["intercept"]),
            float(raw["threshold"]),
            tuple(float(c) for c in raw.get("vector_coef", ())),
        )


def fit_logistic(
    rows: list[QueryFeatures],
    positive: list[bool],
    names: tuple[str, ...],
    *,
    max_false_negative: float,
    vectors: np.ndarray | None = None,
    groups: list[str] | None = None,
    every_group: bool = False,
    regularisation: float = 10.0,
) -> tuple[LogisticModel, dict]:
    """Fit the model, then set its threshold from held-out predictions.

    Five-fold cross-validated probabilities of the positive examples (in scope / answerable) give
    the threshold: the highest one whose rejection rate of positives, averaged over the ``groups``
    (domains, extra sets) so a large group of easy questions cannot hide a small hard one, is at
    most ``max_false_negative`` — or, with ``every_group``, is at most that in every group. The
    threshold is calibrated on examples the fitted coefficients did not see, and the operator
    chooses the trade-off as a rate, not as an opaque probability. ``vectors`` (the questions'
    embeddings) adds the embedding itself to the features. Returns the model and its held-out
    figures: the share of positives rejected and of negatives accepted.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    x = np.array([r.values(names) for r in rows])
    if vectors is not None:
        x = np.hstack([x, vectors])
    y = np.array(positive, dtype=int)
    model = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=5000)
    folds = StratifiedKFold(n_splits=min(5, int(y.sum()), int(len(y) - y.sum())), shuffle=True, random_state=52)
    held_out = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
    group_of = np.array(groups if groups is not None else ["all"] * len(y))
    threshold = _threshold(held_out[y == 1], group_of[y == 1], max_false_negative, every_group=every_group)
    model.fit(x, y)
    coef = [float(c) for c in model.coef_[0]]
    fitted = LogisticModel(
        names, tuple(coef[: len(names)]), float(model.intercept_[0]), threshold, tuple(coef[len(names) :])
    )
    accepted = held_out >= threshold
    held_out_figures = {
        "positives": int(y.sum()),
        "negatives": int(len(y) - y.sum()),
        "positives_rejected": round(float(np.mean(~accepted[y == 1])), 4),
        "negatives_accepted": round(float(np.mean(accepted[y == 0])), 4),
    }
    return fitted, held_out_figures


def _threshold(scores: np.ndarray, groups: np.ndarray, budget: float, *, every_group: bool) -> float:
    """The highest threshold whose per-group rejection rates (mean, or max) stay within budget."""
    names = sorted(set(groups))
    best = float(scores.min()) - 1e-9  # accepting every positive is always within budget
    for candidate in np.unique(scores):
        rates = [float(np.mean(scores[groups == g] < candidate)) for g in names]
        if (max(rates) if every_group else float(np.mean(rates))) > budget:
            break
        best = float(candidate) - 1e-9
    return best


class ScopeGuard:
    """Applies the fitted scope and evidence models to one query."""

    def __init__(
        self, scope: LogisticModel, evidence: LogisticModel, example_vectors: np.ndarray, example_labels: list[str]
    ) -> None:
        self.scope = scope
        self.evidence = evidence
        self.examples = ExampleQuestions(example_vectors, example_labels)

    @classmethod
    def from_params(cls, params: dict, example_vectors: np.ndarray) -> ScopeGuard:
        return cls(
            LogisticModel.from_dict(params["scope"]),
            LogisticModel.from_dict(params["evidence"]),
            example_vectors,
            list(params["example_labels"]),
        )

    def decide(self, features: QueryFeatures, query_vector: np.ndarray) -> ScopeDecision:
        p_scope = self.scope.probability(features, query_vector)
        p_evidence = self.evidence.probability(features, query_vector)
        return ScopeDecision(
            p_scope >= self.scope.threshold, p_scope, p_evidence >= self.evidence.threshold, p_evidence, features
        )


def query_features(
    query: str,
    query_vector: np.ndarray,
    evidence: list,
    lexical,
    examples: ExampleQuestions,
    *,
    exclude: int | None = None,
    document_text: Callable[[str], str] | None = None,
) -> QueryFeatures:
    """Features of one query from its retrieval results (``list[ScoredChunk]``) and the examples.

    ``document_text`` (doc id -> text) lets ``unmatched`` look through the whole documents the
    evidence comes from ("Experian" named two sections away from the passage on disputing errors
    is still named by the source); without it, the passages alone are searched."""
    in_example, out_example = examples.nearest(query_vector, exclude=exclude)
    terms = lexical.terms(query)
    top_terms = lexical.terms(" ".join(f"{c.record.title} {c.record.text}" for c in evidence[:3]))
    if document_text is None:
        searched = [f"{c.record.title} {c.record.text}" for c in evidence]
    else:
        searched = [f"{c.record.title} {document_text(c.record.doc_id)}" for c in evidence]
    return QueryFeatures(
        chunk=max((c.dense for c in evidence), default=0.0),
        sentence=max((c.best_sentence for c in evidence), default=0.0),
        in_example=in_example,
        out_example=out_example,
        coverage=len(terms & top_terms) / len(terms) if terms else 0.0,
        known=lexical.known_fraction(terms),
        unmatched=1.0 if unmatched_terms(query, searched) else 0.0,
    )


def in_calibration_half(question: str) -> bool:
    """Whether a question of an operator's labelled set may be used for calibration.

    Calibration sets are split by a hash of the normalised question text — never by id or order —
    so one half fits the models and the other half stays held out for reporting
    (``docent eval run --half held-out``).
    """
    normalised = " ".join(question.lower().split())
    return hashlib.sha1(normalised.encode("utf-8")).digest()[0] % 2 == 0
