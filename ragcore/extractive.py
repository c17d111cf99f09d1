"""The extractive generator: the answer is the source sentences most similar to the question.

Nothing is paraphrased, so every sentence is its own verified quote. Sentences come from the top
chunks; a sentence's score mixes its own similarity with its chunk's, so a strong sentence in a
weak chunk does not beat the right passage. Among the sentences close enough to the best one, each
source document gives its best sentence before any gives a second: two pages that both answer
are both cited (the reader sees the answer is corroborated, and which page says it best is often
a coin toss), and a second sentence from one page only fills a slot no other page can.

A sentence is never quoted twice: not when another page repeats it word for word (sentence vectors
are pooled from their passage, so the same words on two pages read differently), nor when one
quote is part of another (a heading repeated at the start of a longer line: the longer is quoted).

A lead-in ("The following tests may be used:") says nothing without what follows it: it is quoted
together with the lines of its list that follow in the passage, as one quote, up to a length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ragcore.catalog import SentenceRecord
from ragcore.generation import Draft, DraftSentence, TokenSink
from ragcore.retrieval import ScoredChunk, ScoredSentence

_DUPLICATE_SIMILARITY = 0.92
_NOT_A_WORD = re.compile(r"\W+")
_BETWEEN_LIST_LINES = re.compile(r"\s*((?:[-*+]|\d{1,3}[.)])\s+)?")
_LEAD_IN_QUOTE_CHARS = 400  # a lead-in with its list: longer lists are cut after the last line that fits


class ExtractiveGenerator:
    name = "extractive"

    def __init__(
        self,
        sentence_vectors: np.ndarray,
        *,
        max_sentences: int = 3,
        margin: float = 0.12,
        chunks_considered: int = 3,
        per_chunk: int = 2,
        document_text: Callable[[str], str] | None = None,
    ) -> None:
        self.sentence_vectors = sentence_vectors
        self.document_text = document_text  # to quote a lead-in with its list; without it, alone
        self.max_sentences = max_sentences
        self.margin = margin
        self.chunks_considered = chunks_considered
        self.per_chunk = per_chunk  # quotes from one passage at most: the rest come from the next best

    def generate(self, question: str, evidence: list[ScoredChunk], *, on_token: TokenSink | None = None) -> Draft:
        # quotes are complete at once: nothing to preview, so ``on_token`` is never called
        candidates = [
            (0.5 * s.similarity + 0.5 * chunk.score, s, chunk)
            for chunk in evidence[: self.chunks_considered]
            for s in chunk.sentences
        ]
        candidates.sort(key=lambda c: c[0], reverse=True)
        if candidates:
            best = candidates[0][0]
            candidates = [c for c in candidates if c[0] >= best - self.margin]
        words = [_words(c[1].record.text) for c in candidates]  # a heading is not quoted beside its full line
        candidates = [
            c for c, own in zip(candidates, words) if not any(own != other and own in other for other in words)
        ]
        chosen: list[tuple[float, ScoredSentence, ScoredChunk]] = []
        for per_document in (1, self.max_sentences):  # first one per document, then fill the rest
            for candidate in candidates:
                if len(chosen) < self.max_sentences and self._may_add(candidate, chosen, per_document):
                    chosen.append(candidate)
        chosen.sort(key=lambda c: c[0], reverse=True)
        quotes = [(self._with_its_list(s.record, chunk), s, chunk) for _, s, chunk in chosen]
        quotes = [q for q in quotes if not any(_inside(q[0], other[0]) for other in quotes if other is not q)]
        return Draft(
            tuple(DraftSentence(record.text, ((record, chunk.record, s.similarity),)) for record, s, chunk in quotes),
            self.name,
        )

    def _with_its_list(self, lead_in: SentenceRecord, chunk: ScoredChunk) -> SentenceRecord:
        """``lead_in`` and the list lines right after it in ``chunk``, as one record; any other
        sentence as it is."""
        if self.document_text is None or not lead_in.text.rstrip().endswith(":"):
            return lead_in
        text = self.document_text(lead_in.doc_id)
        end, marked = lead_in.end, None
        for sentence in sorted((s.record for s in chunk.sentences), key=lambda r: r.start):
            if sentence.start < end:
                continue
            gap = _BETWEEN_LIST_LINES.match(text, end)
            if gap is None or gap.end() != sentence.start or sentence.end - lead_in.start > _LEAD_IN_QUOTE_CHARS:
                break
            if marked is None:
                marked = bool(gap.group(1))
            elif bool(gap.group(1)) != marked:  # a list's lines all have a marker, or none has
                break
            end = sentence.end
        return replace(lead_in, end=end, text=text[lead_in.start : end])

    def _may_add(
        self,
        candidate: tuple[float, ScoredSentence, ScoredChunk],
        chosen: list[tuple[float, ScoredSentence, ScoredChunk]],
        per_document: int,
    ) -> bool:
        _, sentence, chunk = candidate
        if any(self._same(sentence.record, c[1].record) for c in chosen):
            return False
        if sum(c[2] is chunk for c in chosen) >= self.per_chunk:
            return False
        return sum(c[2].record.doc_id == chunk.record.doc_id for c in chosen) < per_document

    def _same(self, a: SentenceRecord, b: SentenceRecord) -> bool:
        words_a, words_b = _words(a.text), _words(b.text)
        if words_a in words_b or words_b in words_a:
            return True
        return float(self.sentence_vectors[a.row] @ self.sentence_vectors[b.row]) >= _DUPLICATE_SIMILARITY


def _inside(record: SentenceRecord, other: SentenceRecord) -> bool:
    """Whether ``record`` is part of the larger ``other`` (a list line quoted with its lead-in)."""
    return (
        record.doc_id == other.doc_id
        and other.start <= record.start
        and record.end <= other.end
        and (record.start, record.end) != (other.start, other.end)
    )


def _words(text: str) -> str:
    """The text's words, lower-case, space-separated and padded, so that containment is whole words."""
    return f" {_NOT_A_WORD.sub(' ', text.lower()).strip()} "
