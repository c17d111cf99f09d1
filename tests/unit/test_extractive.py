"""Which source sentences the extractive generator quotes."""

from __future__ import annotations

from dataclasses import replace

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


def test_a_sentence_two_pages_share_word_for_word_is_quoted_once_though_its_vectors_differ():
    sources = Sources()
    evidence = [sources.chunk("a", 0.80, [0.80]), sources.chunk("b", 0.79, [0.79])]
    for chunk in evidence:  # the same words, read in two passages: pooled vectors stay orthogonal
        record = chunk.sentences[0].record
        chunk.sentences[0] = ScoredSentence(replace(record, text="Insulin moves sugar into the cells."), 0.8)
    assert quoted_documents(sources.generator(), evidence) == ["a"]


def test_a_quote_that_is_part_of_a_chosen_one_is_not_quoted_again():
    sources = Sources()
    evidence = [sources.chunk("a", 0.80, [0.80, 0.79]), sources.chunk("b", 0.50, [0.40])]
    first, second = (s.record for s in evidence[0].sentences)
    evidence[0].sentences[0] = ScoredSentence(
        replace(first, text="Smoking, vaping, and secondhand smoke all raise risk."), 0.8
    )
    evidence[0].sentences[1] = ScoredSentence(replace(second, text="Smoking, vaping and secondhand smoke"), 0.79)
    draft = sources.generator().generate("question?", evidence)
    assert [s.text for s in draft.sentences] == ["Smoking, vaping, and secondhand smoke all raise risk."]


def test_a_lead_in_is_quoted_with_the_list_lines_that_follow_it():
    text = "Overview.\n\nTreatment may include the following:\n\n- Surgery.\n- Radiation therapy.\n\nOutlook is good."
    spans = [(0, 9), (11, 47), (51, 59), (62, 80), (82, 98)]
    similarities = [0.3, 0.8, 0.5, 0.5, 0.2]
    vectors = np.eye(8, dtype=np.float32)
    sentences = [
        ScoredSentence(SentenceRecord(row, "kaposi", start, end, text[start:end]), similarity)
        for row, ((start, end), similarity) in enumerate(zip(spans, similarities))
    ]
    chunk = ScoredChunk(
        ChunkRecord(0, "kaposi#0", "kaposi", "healthcare", "Kaposi", 0, 1, (), ""), 0.8, 0.8, None, 0.8, sentences
    )
    draft = ExtractiveGenerator(vectors, margin=0.5, document_text=lambda doc_id: text).generate("treatment?", [chunk])
    quoted = [s.sources[0][0] for s in draft.sentences]
    assert quoted[0].text == "Treatment may include the following:\n\n- Surgery.\n- Radiation therapy."
    assert text[quoted[0].start : quoted[0].end] == quoted[0].text  # still a verbatim quote
    assert not any(q.text in ("Surgery.", "Radiation therapy.") for q in quoted[1:])  # not quoted twice


def test_a_lead_in_stops_at_the_end_of_its_list_and_at_the_length_limit():
    items = "".join(f"- Item number {i} of a long list of tests.\n" for i in range(30))
    text = f"These tests are used:\n{items}\nAfterwards, rest."
    records, at = [SentenceRecord(0, "d", 0, 21, text[:21])], 22
    for i in range(30):
        start = at + 2
        end = text.index("\n", start)
        records.append(SentenceRecord(i + 1, "d", start, end, text[start:end]))
        at = end + 1
    sentences = [ScoredSentence(r, 0.9 if r.row == 0 else 0.1) for r in records]
    chunk = ScoredChunk(ChunkRecord(0, "d#0", "d", "healthcare", "D", 0, 1, (), ""), 0.8, 0.8, None, 0.9, sentences)
    generator = ExtractiveGenerator(np.eye(40, dtype=np.float32), margin=0.05, document_text=lambda doc_id: text)
    (quote,) = [s.sources[0][0] for s in generator.generate("tests?", [chunk]).sentences]
    assert quote.text.startswith("These tests are used:\n- Item number 0") and quote.text.endswith("tests.")
    assert 300 < len(quote.text) <= 400 and "Afterwards" not in quote.text
