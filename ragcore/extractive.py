"""The extractive generator: the answer is the source sentences most similar to the question.

Nothing is paraphrased, so every sentence is its own verified quote. Sentences come from the top
chunks; a sentence's score mixes its own similarity with its chunk's, so a strong sentence in a
weak chunk does not beat the right passage. Among the sentences close enough to the best one, each
source document gives its best sentence before any gives a second: two pages that both answer
are both cited (the reader sees the answer is corroborated, and which page says it best is often
a coin toss), and a second sentence from one page only fills a slot no other page can.
"""

from __future__ import annotations

import numpy as np

from ragcore.generation import Draft, DraftSentence, TokenSink
from ragcore.retrieval import ScoredChunk, ScoredSentence

_DUPLICATE_SIMILARITY = 0.92


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
    ) -> None:
        self.sentence_vectors = sentence_vectors
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
        chosen: list[tuple[float, ScoredSentence, ScoredChunk]] = []
        for per_document in (1, self.max_sentences):  # first one per document, then fill the rest
            for candidate in candidates:
                if len(chosen) < self.max_sentences and self._may_add(candidate, chosen, per_document):
                    chosen.append(candidate)
        chosen.sort(key=lambda c: c[0], reverse=True)
        return Draft(
            tuple(DraftSentence(s.record.text, ((s.record, chunk.record, s.similarity),)) for _, s, chunk in chosen),
            self.name,
        )

    def _may_add(
        self,
        candidate: tuple[float, ScoredSentence, ScoredChunk],
        chosen: list[tuple[float, ScoredSentence, ScoredChunk]],
        per_document: int,
    ) -> bool:
        _, sentence, chunk = candidate
        if any(self._same(sentence.record.row, c[1].record.row) for c in chosen):
            return False
        if sum(c[2] is chunk for c in chosen) >= self.per_chunk:
            return False
        return sum(c[2].record.doc_id == chunk.record.doc_id for c in chosen) < per_document

    def _same(self, row_a: int, row_b: int) -> bool:
        return float(self.sentence_vectors[row_a] @ self.sentence_vectors[row_b]) >= _DUPLICATE_SIMILARITY
