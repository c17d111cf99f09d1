"""Citation numbering: each quoted sentence gets a number per distinct source sentence, and a quote
is kept only when the document still has it verbatim at its offsets (the contract clients check
with ``GET /v1/documents/{doc_id}``)."""

from __future__ import annotations

import math
import re

from ragcore.answers import Citation
from ragcore.catalog import Catalog, SentenceRecord
from ragcore.generation import Draft

_CITATION_MARK = re.compile(r"\[\d+\]")


def may_quote(sentence: SentenceRecord, templates: frozenset[int]) -> bool:
    """Whether any answer may quote ``sentence``: not when it is a template's (``templates``, from
    :func:`template_sentences`), nor when it holds what reads as a citation mark (a source's
    reference "[3]": quoted, it would pass for one of the answer's own marks, and a client would
    link it to the wrong source)."""
    return sentence.row not in templates and _CITATION_MARK.search(sentence.text) is None


# A sentence that stands word for word in this share of the documents (and in at least this many)
# is a template's, not an answer: every GARD page of MedQuAD (1,121 of 3,974 documents over the
# union) ends with the same pointers to a medical dictionary and a symptom table, while the stock
# sentence on autosomal dominant inheritance (124 pages) still answers "Is it inherited?".
TEMPLATE_SHARE = 0.05
TEMPLATE_MIN_DOCUMENTS = 20


def template_sentences(catalog: Catalog) -> frozenset[int]:
    """Rows of the sentences a template repeats across the corpus: never quoted."""
    return catalog.rows_shared_by(max(TEMPLATE_MIN_DOCUMENTS, math.ceil(TEMPLATE_SHARE * catalog.document_count)))


def cite(catalog: Catalog, draft: Draft) -> tuple[str, list[Citation]]:
    """Number the quoted sentences; keep only quotes found verbatim at their offsets."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, int], int] = {}
    parts = []
    for sentence in draft.sentences:
        marks = []
        for record, chunk, score in sentence.sources:
            document = catalog.document(record.doc_id)
            if document.text[record.start : record.end] != record.text:
                continue
            key = (record.doc_id, record.start)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(
                    Citation(
                        n=numbers[key],
                        doc_id=record.doc_id,
                        title=document.title,
                        source=document.metadata.get("source"),
                        section=" > ".join(chunk.section_path),
                        quote=record.text,
                        char_start=record.start,
                        char_end=record.end,
                        score=round(score, 4),
                    )
                )
            marks.append(f"[{numbers[key]}]")
        if marks:
            parts.append(f"{sentence.text} {''.join(marks)}")
    return " ".join(parts), citations
