"""What the pipeline returns: answers with citations, or refusals without them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

RefusalReason = Literal["out_of_scope", "insufficient_evidence", "unsafe"]


@dataclass(frozen=True)
class Citation:
    """One quoted source sentence; ``quote == document.text[char_start:char_end]``."""

    n: int
    doc_id: str
    title: str
    source: str | None
    section: str
    quote: str
    char_start: int
    char_end: int
    score: float


@dataclass(frozen=True)
class Refusal:
    reason: RefusalReason
    message: str
    # "small_talk" | "other_language": a reply to a message that is no question for the sources
    kind: str | None = None


@dataclass
class ChatResult:
    conversation_id: str
    answer: str
    citations: list[Citation]
    refusal: Refusal | None
    domain: str | None
    rewritten_query: str
    disclaimer: str | None
    notice: str | None
    index_version: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    generator: str = "extractive"

    def to_dict(self) -> dict:
        return asdict(self)
