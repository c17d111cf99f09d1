"""What a refusal says: what Docent covers when a question is outside it, and what it searched
when its sources do not answer (DESIGN.md section 3: a refusal is a short, helpful message)."""

from __future__ import annotations

from ragcore.catalog import Catalog
from ragcore.domains import DomainCatalog


def out_of_scope_message(domains: DomainCatalog) -> str:
    base = domains.out_of_scope_message or "That is outside what I cover."
    return f"{base} I can help with questions about {domains.coverage_summary()}."


def insufficient_evidence_message(
    catalog: Catalog, query: str, *, asked_for_more: bool = False, emergency: bool = False
) -> str:
    """Nothing to quote for ``query``: everything close was quoted already (``asked_for_more``), the
    sources have nothing for this emergency (its notice says what to do), or they do not answer."""
    if asked_for_more:
        return (
            f"I have quoted everything my sources say about “{query}” closely enough to quote. "
            "Ask about another side of it, or ask a professional."
        )
    searched = f"I searched {catalog.chunk_count} passages from {len(catalog.doc_ids())} documents for “{query}”"
    if emergency:
        return (
            f"My sources have nothing I can quote that speaks to this situation ({searched}). "
            "The emergency guidance with this reply says what to do now."
        )
    return (
        f"My sources don't answer that. {searched} and found nothing that answers it well enough "
        "to quote. Try rephrasing, or ask a professional."
    )
