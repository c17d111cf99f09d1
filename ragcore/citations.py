"""Citation numbering: each quoted sentence gets a number per distinct source sentence, and a quote
is kept only when the document still has it verbatim at its offsets (the contract clients check
with ``GET /v1/documents/{doc_id}``)."""

from __future__ import annotations

from ragcore.answers import Citation
from ragcore.catalog import Catalog
from ragcore.generation import Draft


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
