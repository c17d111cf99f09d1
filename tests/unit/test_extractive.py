"""Which source sentences the extractive generator quotes."""

from __future__ import annotations

import numpy as np

from ragcore.catalog import ChunkRecord, SentenceRecord
from ragcore.extractive import ExtractiveGenerator
from ragcore.retrieval import ScoredChunk, ScoredSentence


class Sources:
    """Chunks of made-up documents whose sentences each have a vector of their own (orthogonal,
    so no two count as duplicates unless a test says so)."""

    def __init__(self, dim: int = 32) -> None:
        self.vectors = np.eye(dim, dtype=np.float32)
        self.rows = 0

    def chunk(self, doc_id: str, score: float, similarities: list[float]) -> ScoredChunk:
        sentences = []
        for similarity in similarities:
            text = f"{doc_id} sentence {self.rows}."
            sentences.append(ScoredSentence(SentenceRecord(self.rows, doc_id, 0, len(text), text), similarity))
            self.rows += 1
        record = ChunkRecord(self.rows, f"{doc_id}#{self.rows}", doc_id, "healthcare", doc_id, 0, 1, (), "")
        return ScoredChunk(record, score, score, None, max(similarities), sentences)

    def generator(self, **settings) -> ExtractiveGenerator:
        return ExtractiveGenerator(self.vectors, **settings)


def quoted_documents(generator: ExtractiveGenerator, evidence: list[ScoredChunk]) -> list[str]:
    draft = generator.generate("question?", evidence)
    return [sentence.sources[0][0].doc_id for sentence in draft.sentences]


def test_a_second_page_that_answers_is_quoted_before_the_first_page_is_quoted_again():
    sources = Sources()
    evidence = [
        sources.chunk("diabetes-a", 0.80, [0.80, 0.79]),
        sources.chunk("diabetes-a", 0.79, [0.79]),
        sources.chunk("diabetes-b", 0.75, [0.74]),
    ]
    assert sorted(quoted_documents(sources.generator(), evidence)) == ["diabetes-a", "diabetes-a", "diabetes-b"]


def test_one_page_fills_the_answer_when_no_other_page_comes_close():
    sources = Sources()
    evidence = [
        sources.chunk("asthma", 0.80, [0.80, 0.78, 0.77]),
        sources.chunk("asthma", 0.79, [0.79]),
        sources.chunk("unrelated", 0.40, [0.30]),  # far outside the margin of the best sentence
    ]
    assert quoted_documents(sources.generator(), evidence) == ["asthma"] * 3


def test_quotes_stay_in_order_of_score_and_within_the_limits():
    sources = Sources()
    evidence = [
        sources.chunk("a", 0.80, [0.70, 0.82, 0.81, 0.80]),
        sources.chunk("b", 0.78, [0.75]),
        sources.chunk("c", 0.77, [0.74]),
    ]
    draft = sources.generator(max_sentences=3, per_chunk=2).generate("question?", evidence)
    quoted = [(s.sources[0][0].doc_id, s.sources[0][2]) for s in draft.sentences]
    assert quoted == [("a", 0.82), ("b", 0.75), ("c", 0.74)]  # one per page before a second from "a"


def test_a_near_duplicate_sentence_is_not_quoted_twice():
    sources = Sources()
    evidence = [sources.chunk("a", 0.80, [0.80]), sources.chunk("b", 0.79, [0.79])]
    sources.vectors[1] = sources.vectors[0]  # page b repeats page a's sentence word for word
    assert quoted_documents(sources.generator(), evidence) == ["a"]
