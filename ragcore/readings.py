"""Which reading of the user's message is answered: as asked, with the conversation's topic, or
with its misspelled words corrected.

A reading is a standalone query with what it found (its vector, evidence and scope decision). The
question as asked is read first; another reading replaces it only when that one passes the scope
guard and evidence gate like any other question, so a second reading never lets through what the
first would refuse for a good reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ragcore.decision import decide
from ragcore.emergency import Urgency, speaking_to
from ragcore.followups import rewrite_query, topical_words, with_previous_topic
from ragcore.retrieval import ScoredChunk
from ragcore.scope import ScopeDecision
from ragcore.serving import Serving
from ragcore.timing import elapsed_ms


@dataclass(frozen=True)
class Reading:
    query: str
    topic: str
    vector: np.ndarray
    evidence: list[ScoredChunk]
    decision: ScopeDecision

    @property
    def answerable(self) -> bool:
        return self.decision.in_scope and self.decision.enough_evidence

    @property
    def domain(self) -> str | None:
        """The domain of the best passage, when the question is in scope."""
        return self.evidence[0].record.domain if self.decision.in_scope and self.evidence else None


class QuestionReader:
    """Reads questions against one index version with one embedder."""

    def __init__(self, serving: Serving, embed_query: Callable[[str], np.ndarray]) -> None:
        self.serving = serving
        self.embed_query = embed_query

    def decide(self, query: str, vector: np.ndarray, evidence: list[ScoredChunk]) -> ScopeDecision:
        return decide(self.serving.scope, self.serving.index, query, vector, evidence)

    def read(
        self, query: str, topic: str, *, vector: np.ndarray | None = None, timings: dict[str, float] | None = None
    ) -> Reading:
        """``query`` embedded (unless ``vector`` is given), searched and decided; ``timings`` receives
        the search's milliseconds as ``retrieve``."""
        vector = self.embed_query(query) if vector is None else vector
        started = time.perf_counter()
        evidence = self.serving.retriever.retrieve(query, vector)
        if timings is not None:
            timings["retrieve"] = elapsed_ms(started)
        return Reading(query, topic, vector, evidence, self.decide(query, vector, evidence))

    def best(self, message: str, asked: Reading, topics: list[str]) -> Reading:
        """``asked`` (the question as the conversation rewrote it), or a reading that does better:
        with the latest topic when the question may lean on it, else, while it is refused, with its
        misspellings corrected."""
        reading = asked
        if topics and asked.query == message.strip() and _may_lean_on_context(message, asked.decision):
            alone = asked.evidence[0].score if asked.answerable and asked.evidence else None
            reading = self._as_followup(message, topics, to_beat=alone) or asked
        if not reading.answerable:
            reading = self._corrected(message, topics) or reading
        return reading

    def in_emergency(self, message: str, reading: Reading, urgent: Urgency) -> Reading:
        """A person in danger gets help, not "outside what I cover": the question is in scope and
        searched in the emergency's domain. A person in crisis who only tells of it is quoted only
        sentences that read as their own emergency (``emergency.speaking_to``)."""
        evidence, decision = reading.evidence, reading.decision
        if not decision.in_scope:
            evidence = self.serving.retriever.retrieve(reading.query, reading.vector, domain=urgent.domain) or evidence
            decision = replace(self.decide(reading.query, reading.vector, evidence), in_scope=True)
        evidence = speaking_to(message, urgent, self.serving.emergency, evidence, self.serving.index.sentence_vectors)
        return replace(reading, evidence=evidence, decision=decision)

    def _as_followup(self, message: str, topics: list[str], *, to_beat: float | None) -> Reading | None:
        """The question read with the conversation's latest topic, if that reading is answerable,
        its evidence speaks of the question's own words too and its best passage scores above
        ``to_beat`` (the reading alone's, when that one is answerable too)."""
        carried = with_previous_topic(message, topics)
        if carried is None:
            return None
        reading = self._answerable(*carried)
        if reading is None or (to_beat is not None and reading.evidence[0].score <= to_beat):
            return None
        lexical = self.serving.index.lexical
        own_terms = lexical.terms(" ".join(topical_words(message)))
        found = lexical.terms(" ".join(f"{c.record.title} {c.record.text}" for c in reading.evidence[:3]))
        if not own_terms <= found:  # a new topic ("what's the weather tomorrow?") stays new
            return None
        return reading

    def _corrected(self, message: str, topics: list[str]) -> Reading | None:
        """The question with its misspelled words corrected ("asthama symtoms" -> "asthma symptoms"),
        if that reading is answerable. Tried only for a question refused as typed: an informal word
        or a name the word lists lack ("texting", "meds", "Ambetter") is never changed in a question
        that is answered."""
        corrected = self.serving.spelling.correct(message)
        if corrected == message:
            return None
        return self._answerable(*rewrite_query(corrected, topics))

    def _answerable(self, query: str, topic: str) -> Reading | None:
        reading = self.read(query, topic)
        return reading if reading.answerable else None


def _may_lean_on_context(message: str, decision: ScopeDecision) -> bool:
    """Whether a question that names a topic word of its own may still be a follow-up: alone it
    is in scope but finds no answer in the sources, or it is short ("How much is the award?";
    "where can I get the form for free?" after a question on health care proxies, which alone
    is answered from another page: then the reading with the topic must score higher)."""
    if decision.in_scope and not decision.enough_evidence:
        return True
    return len(topical_words(message)) <= 3
