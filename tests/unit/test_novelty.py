"""Which sentences a later answer of a conversation may quote again."""

from __future__ import annotations

from ragcore.catalog import ChunkRecord, SentenceRecord
from ragcore.novelty import without_repeats
from ragcore.retrieval import ScoredChunk, ScoredSentence


def chunk(doc_id: str, sentences: list[tuple[int, float]]) -> ScoredChunk:
    """A passage of ``doc_id`` whose sentences start at the given offsets with these similarities."""
    scored = [
        ScoredSentence(SentenceRecord(start, doc_id, start, start + 10, f"{doc_id} at {start}."), similarity)
        for start, similarity in sentences
    ]
    record = ChunkRecord(0, f"{doc_id}#0", doc_id, "healthcare", doc_id, 0, 100, (), "")
    return ScoredChunk(record, 0.5, 0.5, None, max(s for _, s in sentences), scored)


def starts(evidence: list[ScoredChunk]) -> list[tuple[str, int]]:
    return [(s.record.doc_id, s.record.start) for c in evidence for s in c.sentences]


def test_a_heard_sentence_is_left_out_when_its_page_has_a_new_one_nearly_as_close():
    evidence = [chunk("sleep.md", [(0, 0.70), (50, 0.62)])]
    kept = without_repeats(evidence, frozenset({("sleep.md", 0)}), margin=0.12)
    assert starts(kept) == [("sleep.md", 50)]


def test_a_page_with_nothing_new_close_enough_keeps_its_repeat_while_another_page_drops_its_own():
    evidence = [chunk("tia.md", [(0, 0.70), (40, 0.40)]), chunk("covid.md", [(0, 0.66), (80, 0.64)])]
    heard = frozenset({("tia.md", 0), ("covid.md", 0)})
    kept = without_repeats(evidence, heard, margin=0.12)
    assert starts(kept) == [("tia.md", 0), ("tia.md", 40), ("covid.md", 80)]


def test_without_earlier_quotes_the_evidence_is_untouched():
    evidence = [chunk("sleep.md", [(0, 0.70), (50, 0.62)])]
    assert without_repeats(evidence, frozenset(), margin=0.12) is evidence
    assert without_repeats(evidence, frozenset({("other.md", 0)}), margin=0.12) is evidence


def test_a_page_whose_new_sentences_are_too_far_below_the_best_to_be_quoted_keeps_its_repeat():
    # TIA's new sentence is close to its heard one, but another page's sentence leads by more than
    # the margin: without its repeat the TIA page would drop out of the answer
    evidence = [chunk("covid.md", [(80, 0.70)]), chunk("tia.md", [(0, 0.50), (40, 0.45)])]
    kept = without_repeats(evidence, frozenset({("tia.md", 0)}), margin=0.12)
    assert starts(kept) == [("covid.md", 80), ("tia.md", 0), ("tia.md", 40)]
