"""Follow-up questions rewritten by the language model ("condense question").

Used only for questions that lean on earlier turns (``followups.is_context_dependent``); a reply
that is not one plausible question, or a failed call, returns ``None`` and the caller keeps the
extractive rewrite.
"""

from __future__ import annotations

import logging

from ragcore.errors import GenerationError
from ragcore.llm.prompt import Message
from ragcore.llm.resilience import ResilientChat

log = logging.getLogger(__name__)

_SYSTEM = (
    "Rewrite the user's last question as one standalone question that names its topic, using the "
    "conversation for context. Reply with the question only, nothing else."
)
_MAX_CHARS = 300


def condense_question(chat: ResilientChat, history: list[tuple[str, str]], question: str) -> str | None:
    """A standalone form of ``question`` given ``history`` as ``(role, text)`` pairs, oldest first."""
    transcript = "\n".join(
        f"{'User' if role == 'user' else 'Assistant'}: {' '.join(text.split())[:500]}" for role, text in history[-6:]
    )
    messages: list[Message] = [
        ("system", _SYSTEM),
        ("human", f"Conversation:\n{transcript}\n\nLast question: {question}\n\nStandalone question:"),
    ]
    try:
        reply = chat.complete(messages)
    except GenerationError as exc:
        log.warning("condensing the follow-up failed; using the extractive rewrite: %s", exc)
        return None
    lines = [line.strip().strip('"“”') for line in reply.strip().splitlines() if line.strip()]
    if len(lines) != 1 or not 3 <= len(lines[0]) <= _MAX_CHARS or not any(ch.isalpha() for ch in lines[0]):
        return None
    return lines[0]
