"""Which emergency notice a message calls for, from its words and from its meaning.

``domains.yaml`` lists emergency phrases ("kill myself", "chest pain") and, for each group, example
messages from people in that situation. Phrases alone miss most real messages: of 30 emergency
messages written after the phrase lists were extended, the phrases caught 12 ("my roommate
swallowed like 30 of her antidepressants an hour ago", "my chest hurts really bad and it's
spreading to my jaw" name no listed phrase). :class:`EmergencyModel` is a multinomial logistic
regression over the message's embedding, fitted at ingest time on those examples against
everything that is not an emergency (the domains' questions, out-of-scope questions and
``non_urgent_examples``: symptoms, conflicts and questions *about* emergencies); its threshold lets
through at most ``MAX_FALSE_NOTICE`` of those, held out by cross-validation.

A message gets a notice when a phrase matches, or when it has at least ``MIN_CONTENT_WORDS`` content
words and the model finds it urgent: a short follow-up ("What are its symptoms?") says too little
for its embedding to be read this way, and the phrases cover the short cries for help.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ragcore.domains import DomainCatalog
from ragcore.followups import content_words
from ragcore.held_out import held_out_probabilities, threshold_passing
from ragcore.retrieval import ScoredChunk

NOT_URGENT = "not-urgent"
# The fit depends only on domains.yaml's texts and the embedder: a process that ingests again (the
# server's reindex, a test suite) fits once per distinct input instead of once per ingest (~1 s).
_FITTED: dict[bytes, tuple[EmergencyModel, dict]] = {}
MAX_FALSE_NOTICE = 0.01
MIN_CONTENT_WORDS = 3


@dataclass(frozen=True)
class Urgency:
    domain: str
    notice: str
    crisis: bool = False  # a person in crisis (``EmergencyRule.crisis``)
    groups: frozenset[str] = frozenset()  # the emergency groups it belongs to, as "<domain>:<group number>"


@dataclass(frozen=True)
class EmergencyModel:
    labels: tuple[str, ...]  # "<domain>:<group number>" per class, and NOT_URGENT
    coef: np.ndarray  # classes x dimensions
    intercept: np.ndarray
    threshold: float  # on 1 - P(NOT_URGENT)

    def group_for(self, vector: np.ndarray) -> tuple[str, int] | None:
        """``(domain, emergency group number)`` the message vector most likely belongs to, if urgent."""
        urgent, likeliest = self._classify(vector[None, :])
        if not urgent[0]:
            return None
        domain, number = str(likeliest[0]).rsplit(":", 1)
        return domain, int(number)

    def groups_of(self, vectors: np.ndarray) -> list[str | None]:
        """For each row of ``vectors`` (texts' embeddings), the ``"<domain>:<group number>"`` it reads
        as an emergency of, or None: the same test a message's notice passes."""
        urgent, likeliest = self._classify(vectors)
        return [str(label) if yes else None for yes, label in zip(urgent, likeliest)]

    def _classify(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: urgent past the threshold, and the likeliest emergency group."""
        logits = vectors @ self.coef.T + self.intercept
        probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        calm = self.labels.index(NOT_URGENT)
        urgent = 1.0 - probabilities[:, calm] >= self.threshold
        probabilities[:, calm] = -1.0
        return urgent, np.asarray(self.labels)[np.argmax(probabilities, axis=1)]

    def to_dict(self) -> dict:
        return {
            "labels": list(self.labels),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> EmergencyModel:
        return cls(
            tuple(raw["labels"]),
            np.asarray(raw["coef"], dtype=np.float32),
            np.asarray(raw["intercept"], dtype=np.float32),
            float(raw["threshold"]),
        )


def fit_emergency_model(vectors: np.ndarray, labels: list[str]) -> tuple[EmergencyModel, dict]:
    """Fit on message embeddings labelled ``"<domain>:<group>"`` or :data:`NOT_URGENT`; return the
    model and its held-out figures (share of emergencies flagged, of the rest given a notice)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    key = hashlib.sha256(vectors.tobytes() + "\n".join(labels).encode("utf-8")).digest()
    if key not in _FITTED:
        if len(_FITTED) >= 4:
            _FITTED.clear()
        _FITTED[key] = _fit(vectors, labels)
    return _FITTED[key]


def _fit(vectors: np.ndarray, labels: list[str]) -> tuple[EmergencyModel, dict]:
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, tol=1e-3)  # 1e-4: same flags, 2x time
    held_out = held_out_probabilities(model, vectors, y)
    model.fit(vectors, y)
    classes = [str(c) for c in model.classes_]
    urgency = 1.0 - held_out[:, classes.index(NOT_URGENT)]
    calm = y == NOT_URGENT
    threshold = threshold_passing(urgency[calm], MAX_FALSE_NOTICE)
    fitted = EmergencyModel(
        tuple(classes), model.coef_.astype(np.float32), model.intercept_.astype(np.float32), threshold
    )
    figures = {
        "emergencies": int((~calm).sum()),
        "others": int(calm.sum()),
        "emergencies_flagged": round(float(np.mean(urgency[~calm] >= threshold)), 4),
        "others_flagged": round(float(np.mean(urgency[calm] >= threshold)), 4),
    }
    return fitted, figures


def group_label(domain: str, number: int) -> str:
    """The model's class for a domain's emergency group number ``number``: ``"<domain>:<number>"``."""
    return f"{domain}:{number}"


def training_messages(domains: DomainCatalog) -> tuple[list[str], list[str]]:
    """The emergency groups' example messages (labelled by group) and the non-urgent ones."""
    texts: list[str] = []
    labels: list[str] = []
    for name, domain in domains.domains.items():
        for number, rule in enumerate(domain.emergency):
            texts += list(rule.examples)
            labels += [group_label(name, number)] * len(rule.examples)
        texts += list(domain.non_urgent_examples)
        labels += [NOT_URGENT] * len(domain.non_urgent_examples)
    return texts, labels


def urgency(
    domains: DomainCatalog, model: EmergencyModel | None, message: str, vector: Callable[[], np.ndarray]
) -> Urgency | None:
    """The notice ``message`` calls for, if any: phrases first, then (for a message of some length)
    the model, given the message's embedding by ``vector`` — asked for only then."""
    found = domains.emergency_rules(message)
    if found is not None:
        domain, numbers = found
        crisis = any(domains.domains[domain].emergency[n].crisis for n in numbers)
        groups = frozenset(group_label(domain, n) for n in numbers)
        return Urgency(domain, domains.emergency_notice_of(domain, numbers), crisis, groups)
    if model is None or len(content_words(message)) < MIN_CONTENT_WORDS:
        return None
    group = model.group_for(vector())
    if group is None:
        return None
    name, number = group
    rule = domains.domains[name].emergency[number]
    return Urgency(name, rule.notice, rule.crisis, frozenset({group_label(name, number)}))


_ASKING = re.compile(
    r"\?|^\W*(what|how|who|whom|when|where|why|which|can|could|should|shall|is|are|am|do|does|did|will|would"
    r"|may|might|must|has|have)\b|\b(what|how|who|where|when|why|which)\s+(do|does|did|should|can|could|is|are"
    r"|would|will)\b",
    re.IGNORECASE,
)


def asks_something(message: str) -> bool:
    """Whether a message asks a question ("is that an emergency?", "my girlfriend overdosed what do
    I do") rather than only saying what is happening ("I don't see the point of living")."""
    return bool(_ASKING.search(message))


def speaking_to(
    message: str,
    urgent: Urgency,
    model: EmergencyModel | None,
    evidence: list[ScoredChunk],
    sentence_vectors: np.ndarray,
) -> list[ScoredChunk]:
    """``evidence`` keeping only the sentences that read as an emergency of the message's own kind
    (``urgent.groups``), when the ``message`` of a person in crisis (``urgent.crisis``) only says
    what is happening.

    Such a message from someone in danger ("I don't see the point of living", "my dad beats me when
    I get bad grades") is no question the passages were written for: by similarity alone it was
    answered with a study on social exclusion or a story of strict parents beside the notice. The
    emergency model, which reads messages, reads source sentences the same way: "Anyone who
    suspects an opioid overdose should call 911 immediately" reads as an emergency, a story of
    strict parents does not. A question ("my friend keeps texting me that she wants to die, who can I
    call?") is answered like any other: what it asks is what the passages were found for. So is a
    medical emergency ("my chest hurts and it's spreading to my jaw"): the passages that describe its
    signs are what it is found for, and the model, taught that questions about symptoms are not
    emergencies, does not flag them. A sentence must read as the message's own emergency: the
    line on calling 988 reads as a suicide crisis and is no answer to a child telling of abuse (the
    notice is), nor is a line on a suicidal friend ("do not leave them alone") to a woman whose
    husband says he will kill her if she leaves. Without a model the evidence is kept as it is.
    """
    if model is None or not urgent.crisis or asks_something(message):
        return evidence
    rows = [s.record.row for chunk in evidence for s in chunk.sentences]
    groups = model.groups_of(np.asarray(sentence_vectors[rows], dtype=np.float32))
    speaks = {row for row, group in zip(rows, groups) if group in urgent.groups}
    return [chunk.without_sentences(lambda s: s.row not in speaks) for chunk in evidence]
