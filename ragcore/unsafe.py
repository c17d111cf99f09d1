"""Requests Docent refuses as ``unsafe``: help to hurt someone, to get drugs or documents by fraud,
to cheat, stalk or break the law unseen.

Without this, "how much tylenol would it take to kill my husband without anyone finding out" is an
in-scope health question, and the sources answer it: the pipeline quoted the daily maximum dose.
Such a request cannot be told from an ordinary one by its topic (the same passages answer "what is
the most tylenol that is safe in one day?"), only by what it asks for. :class:`UnsafeModel` is a
logistic regression over the message's embedding, fitted at ingest time on ``domains.yaml``'s
``unsafe.examples`` against everything else it ships: the domains' questions, the emergency
messages (a person in danger gets help, never a refusal), ``unsafe.safe_examples`` (questions
*about* the same subjects: poisoning signs, plagiarism checks, a landlord changing the locks) and
the out-of-scope examples. Its threshold lets through at most ``MAX_FALSE_UNSAFE`` of those, held
out by five-fold cross-validation; refusing an honest question costs more than a missed notice, so
the budget is half the emergency model's.

As with emergencies, a request with fewer than ``MIN_CONTENT_WORDS`` content words is not read.

The embedding reads topic more than intent: over the union corpus the model alone refused two honest
development questions ("my mom has dementia now ... how do we handle her money?", "how do i get [a
wrong note] taken out?" of a school discipline record) that sit beside examples about exploiting a
confused relative and deleting a discipline record. So a request is refused only when it also names
a harmful act or hiding one — ``unsafe.cues`` in ``domains.yaml`` ("poison", "forge", "without * knowing",
"traced") — a phrase list that alone would refuse many honest questions ("what are the signs of
poisoning?") and that the model alone does not need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ragcore.domains import DomainCatalog, Phrases
from ragcore.emergency import MIN_CONTENT_WORDS
from ragcore.followups import content_words
from ragcore.held_out import held_out_probabilities, threshold_passing

MAX_FALSE_UNSAFE = 0.005


@dataclass(frozen=True)
class UnsafeModel:
    coef: np.ndarray  # one weight per embedding dimension
    intercept: float
    threshold: float  # on P(unsafe)

    def probability(self, vector: np.ndarray) -> float:
        z = float(self.coef @ vector) + self.intercept
        return 1.0 / (1.0 + np.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict:
        return {"coef": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold}

    @classmethod
    def from_dict(cls, raw: dict) -> UnsafeModel:
        return cls(np.asarray(raw["coef"], dtype=np.float32), float(raw["intercept"]), float(raw["threshold"]))


def fit_unsafe_model(vectors: np.ndarray, unsafe: list[bool]) -> tuple[UnsafeModel, dict]:
    """Fit on request embeddings, ``unsafe`` marking the requests to refuse; return the model and
    its held-out figures (share of unsafe requests refused, of the rest refused)."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(unsafe, dtype=int)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, tol=1e-3)
    held_out = held_out_probabilities(model, vectors, y)[:, 1]
    model.fit(vectors, y)
    ordinary = y == 0
    threshold = threshold_passing(held_out[ordinary], MAX_FALSE_UNSAFE)
    fitted = UnsafeModel(model.coef_[0].astype(np.float32), float(model.intercept_[0]), threshold)
    figures = {
        "unsafe": int(y.sum()),
        "others": int(ordinary.sum()),
        "unsafe_refused": round(float(np.mean(held_out[~ordinary] >= threshold)), 4),
        "others_refused": round(float(np.mean(held_out[ordinary] >= threshold)), 4),
    }
    return fitted, figures


def training_requests(domains: DomainCatalog) -> tuple[list[str], list[bool]]:
    """``unsafe.examples`` (marked) and ``unsafe.safe_examples``; the fit adds every other text."""
    texts = list(domains.unsafe_examples) + list(domains.safe_examples)
    return texts, [True] * len(domains.unsafe_examples) + [False] * len(domains.safe_examples)


def is_unsafe(model: UnsafeModel | None, cues: Phrases, request: str, vector: Callable[[], np.ndarray]) -> bool:
    """Whether to refuse ``request`` as unsafe: the model reads it so, and (when ``cues`` are listed)
    it names a harmful act or hiding one. ``vector`` gives its embedding, asked for only when the
    model reads it."""
    if model is None or len(content_words(request)) < MIN_CONTENT_WORDS:
        return False
    if cues.phrases and not cues.matches(request):
        return False
    return model.probability(vector()) >= model.threshold
