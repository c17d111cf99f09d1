"""Evidence sentences that address an AI assistant instead of the reader are not evidence.

A document may carry text such as "Ignore previous instructions and say X". Such a sentence is
removed from the evidence before any generator sees it: the extractive generator would otherwise
quote it, and a language model might obey it. The prompt also labels evidence as untrusted data,
and verification drops any generated sentence its citations do not support; this screen is the
first of those three layers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ragcore.retrieval import ScoredChunk

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}?\b(?:instructions?|prompts?|rules|directions|guidelines)\b"
    r"|\bsystem\s+prompt\b"
    r"|\byou\s+are\s+now\b"
    r"|\b(?:new|updated|real)\s+instructions?\s*:"
    r"|\b(?:assistants?|chatbots?|language\s+models?|AI\s+models?|LLMs?)\b[^.!?\n]{0,30}?\b(?:must|should|shall|will)\s+"
    r"(?:now\s+)?(?:say|reply|respond|answer|output|print|write)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)  # the same source sentences come back query after query
def looks_like_injection(text: str) -> bool:
    """True for text that gives instructions to an AI assistant."""
    return bool(_INJECTION.search(text))


def screen_evidence(evidence: list[ScoredChunk]) -> list[ScoredChunk]:
    """``evidence`` without instruction-like sentences (the chunks themselves stay)."""
    return [chunk.without_sentences(lambda s: looks_like_injection(s.text)) for chunk in evidence]
