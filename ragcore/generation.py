"""The ``AnswerGenerator`` seam: evidence in, a draft of cited sentences out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ragcore.catalog import ChunkRecord, SentenceRecord
from ragcore.retrieval import ScoredChunk

TokenSink = Callable[[str], None]


@dataclass(frozen=True)
class DraftSentence:
    """A sentence of the answer and the source sentences it quotes or relies on."""

    text: str
    sources: tuple[tuple[SentenceRecord, ChunkRecord, float], ...]


@dataclass(frozen=True)
class Draft:
    sentences: tuple[DraftSentence, ...]
    generator: str


class AnswerGenerator(Protocol):
    """Writes an answer only from ``evidence``.

    Contract: every ``DraftSentence`` names at least one source sentence taken from the evidence;
    an empty draft means the evidence does not answer the question. A generator that writes token
    by token passes its raw text to ``on_token`` as it goes (a preview: only the draft is verified).

    >>> draft = generator.generate("How is asthma treated?", evidence)
    >>> all(s.sources for s in draft.sentences)
    True
    """

    name: str

    def generate(self, question: str, evidence: list[ScoredChunk], *, on_token: TokenSink | None = None) -> Draft: ...
