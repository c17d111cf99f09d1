"""The opening of a cited provision, quoted when a question asks only what the provision says.

"What is 45 CFR 164.524?" shares almost no words with the rule's text, so the sentences most similar
to it are noise (an amendment history line, a cross-reference). What a reader wants is the
provision itself: its first sentences, or those of the part the question names ("164.524(b)(2)",
"Article I, Section 8"), in the document's own order.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ragcore.catalog import Catalog, ChunkRecord, SentenceRecord
from ragcore.generation import Draft, DraftSentence
from ragcore.injection import looks_like_injection
from ragcore.legal_citations import asks_for_the_provision_itself, cited_part

if TYPE_CHECKING:
    from ragcore.loaded_index import LoadedIndex
    from ragcore.retrieval import ScoredChunk

_MIN_CHARS = 30  # shorter lines of a provision are its paragraph headings: "(2) Major life activities"


def part_offset(text: str, part: tuple[str, ...]) -> int | None:
    """Where the named part starts in a provision's text: each mark (``"(b)"``, then ``"(2)"``,
    or ``"Section 8"``) at the start of a line, a heading's ``#`` aside, after the previous one.
    0 for the whole provision; ``None`` when the text has no such part."""
    position = 0
    for mark in part:
        # case matters: "(b)" is a subsection, "(B)" a subparagraph of some other one
        found = re.compile(rf"^(?:#+\s*)?{re.escape(mark)}(?![0-9A-Za-z])", re.M).search(text, position)
        if found is None:
            return None
        position = found.start()
    return position


def opening_sentences(
    catalog: Catalog, doc_id: str, part: tuple[str, ...], limit: int
) -> list[tuple[SentenceRecord, ChunkRecord]]:
    """Up to ``limit`` quotable sentences from where the part starts, in order, each with its chunk."""
    start = part_offset(catalog.document_text(doc_id), part)
    if start is None:
        return []
    found: list[tuple[SentenceRecord, ChunkRecord]] = []
    seen: set[int] = set()  # chunks overlap: a sentence may lie inside two of them
    for row in catalog.rows_of(doc_id):
        chunk = catalog.chunk(row)
        if chunk.end <= start:
            continue
        for sentence in catalog.sentences_in(chunk):
            if sentence.start >= start and sentence.row not in seen and len(sentence.text.strip()) >= _MIN_CHARS:
                seen.add(sentence.row)
                found.append((sentence, chunk))
                if len(found) == limit:
                    return found
    return found


def provision_text(
    index: LoadedIndex, query: str, query_vector: np.ndarray, evidence: list[ScoredChunk], limit: int
) -> Draft | None:
    """For a question that asks only what a cited provision says, the provision's opening (or that of
    the part it names), quoted in order: that is the answer, whatever the generator. ``None`` for
    every other question."""
    cited = next((chunk for chunk in evidence if chunk.cited), None)
    if cited is None or not asks_for_the_provision_itself(query):
        return None
    quoted = opening_sentences(index.catalog, cited.record.doc_id, cited_part(query), limit)
    sentences = tuple(
        DraftSentence(sentence.text, ((sentence, chunk, float(index.sentence_vectors[sentence.row] @ query_vector)),))
        for sentence, chunk in quoted
        if not looks_like_injection(sentence.text)
    )
    return Draft(sentences, "extractive") if sentences else None
