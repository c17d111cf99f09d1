"""Verification of a generated answer: every kept sentence cites a passage that supports it.

The answer is split into sentences; each must carry at least one ``[n]`` naming an evidence
passage. A cited passage supports the sentence when its **support score** reaches
``min_support``::

    support = w * cosine(embed(sentence), embed(cited source sentence))
              + (1 - w) * share of the sentence's content stems found in the source sentence

with the service's own embedder (cosine of unit vectors) and English Snowball stems of words that
are not stop words. ``w`` (``DOCENT_LLM__EMBEDDING_WEIGHT``, 0.6) and ``min_support``
(``DOCENT_LLM__MIN_SUPPORT``, 0.54) are calibrated by ``evals/calibrate_support.py`` on the labelled
pairs in ``evals/datasets/support_calibration.jsonl`` (README, "Language-model answers").
Citations below the threshold are dropped; a sentence with none left is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import Stemmer

from ragcore.embedding import Embedder
from ragcore.llm.prompt import Passage

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+)")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9§])|\s*\n+\s*")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
# fmt: off
_STOP = {
    'a', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'by', 'can', 'could', 'do', 'does', 'for', 'from', 'has',
    'have', 'if', 'in', 'into', 'is', 'it', 'its', 'may', 'might', 'more', 'most', 'not', 'of', 'on', 'or', 'other',
    'should', 'so', 'some', 'such', 'than', 'that', 'the', 'their', 'them', 'there', 'these', 'they', 'this', 'to',
    'was', 'were', 'what', 'when', 'which', 'who', 'will', 'with', 'would', 'you', 'your', 'also', 'about', 'only',
}
# fmt: on
Reason = Literal["supported", "uncited", "unsupported"]


@dataclass(frozen=True)
class Claim:
    """One sentence of the generated answer, markers removed, and the passage numbers it cited."""

    text: str
    cited: tuple[int, ...]


@dataclass
class Verdict:
    claim: Claim
    reason: Reason
    support: list[tuple[Passage, float]] = field(default_factory=list)  # cited passages that passed


@dataclass
class VerificationReport:
    verdicts: list[Verdict]

    @property
    def kept(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.reason == "supported"]

    @property
    def survival(self) -> float:
        """Share of generated sentences that survived (0 for an empty answer)."""
        return len(self.kept) / len(self.verdicts) if self.verdicts else 0.0


def split_claims(answer: str) -> list[Claim]:
    """Sentences of ``answer`` with their ``[n]`` numbers; ``"A. [1] B [2]."`` -> A:(1,), B:(2,)."""
    normalised = _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", answer.strip())
    claims = []
    for piece in _BOUNDARY.split(normalised):
        piece = _LIST_MARKER.sub("", piece).strip()
        cited = tuple(int(n) for group in _MARKER.findall(piece) for n in re.split(r"\s*[,;]\s*", group))
        text = " ".join(_MARKER.sub(" ", piece).split())
        text = re.sub(r"\s+([.!?,;:])", r"\1", text)
        if any(ch.isalnum() for ch in text):
            claims.append(Claim(text, tuple(dict.fromkeys(cited))))
    return claims


class SupportScorer:
    """Scores how well source sentences support claims (formula in the module docstring)."""

    def __init__(self, embedder: Embedder, *, embedding_weight: float) -> None:
        self.embedder = embedder
        self.embedding_weight = embedding_weight
        self._stemmer = Stemmer.Stemmer("english")

    def scores(self, pairs: list[tuple[str, str]]) -> list[float]:
        """Support of each ``(claim, source sentence)`` pair, in order."""
        if not pairs:
            return []
        texts = list(dict.fromkeys(t for pair in pairs for t in pair))
        vectors = self.embedder.embed_documents(texts)
        row = {t: i for i, t in enumerate(texts)}
        w = self.embedding_weight
        return [
            w * float(np.dot(vectors[row[claim]], vectors[row[source]])) + (1.0 - w) * self.overlap(claim, source)
            for claim, source in pairs
        ]

    def overlap(self, claim: str, source: str) -> float:
        """Share of the claim's content stems that the source contains."""
        wanted = self._stems(claim)
        return len(wanted & self._stems(source)) / len(wanted) if wanted else 0.0

    def _stems(self, text: str) -> set[str]:
        words = [w.strip("'-") for w in _WORD.findall(text.lower())]
        return set(self._stemmer.stemWords([w for w in words if w and w not in _STOP]))


def verify_answer(
    answer: str, passages: list[Passage], scorer: SupportScorer, *, min_support: float
) -> VerificationReport:
    """Verdict for every sentence of ``answer`` against the passages it cites."""
    by_number = {p.n: p for p in passages}
    claims = split_claims(answer)
    pairs = [(c.text, by_number[n].sentence.text) for c in claims for n in c.cited if n in by_number]
    scores = iter(scorer.scores(pairs))
    verdicts = []
    for claim in claims:
        cited = [by_number[n] for n in claim.cited if n in by_number]
        if not cited:
            verdicts.append(Verdict(claim, "uncited"))
            continue
        scored = [(p, next(scores)) for p in cited]
        passed = [(p, s) for p, s in scored if s >= min_support]
        verdicts.append(Verdict(claim, "supported" if passed else "unsupported", passed))
    return VerificationReport(verdicts)
