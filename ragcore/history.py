"""What a conversation's stored turns carry for the turns after them.

A user turn keeps the standalone query it was answered as, its topic and its domain; a turn that
was small talk or another language is marked ``aside`` and lends no topic. An assistant turn keeps
its refusal reason and the (document, offset) of every sentence it quoted, so "tell me more" can
quote something new and "where did you get that?" can name the sources. This module is the one
place that writes and reads those fields.
"""

from __future__ import annotations

from ragcore.answers import ChatResult
from ragcore.conversations import Turn
from ragcore.followups import topic_of
from ragcore.novelty import Heard


def exchange(message: str, result: ChatResult, *, topic: str, aside: bool) -> list[Turn]:
    """The user's turn and the reply, as stored."""
    user_meta: dict[str, object] = {"rewritten_query": result.rewritten_query, "topic": topic, "domain": result.domain}
    if aside:
        user_meta["aside"] = True  # lends no topic to the next question
    reply_meta = {
        "refusal": result.refusal.reason if result.refusal else None,
        "quoted": [[c.doc_id, c.char_start] for c in result.citations],
    }
    return [Turn("user", message, user_meta), Turn("assistant", result.answer, reply_meta)]


def questions_asked(turns: list[Turn]) -> list[Turn]:
    """The user's turns that were questions to the sources (not small talk)."""
    return [t for t in turns if t.role == "user" and not t.meta.get("aside")]


def topic_of_turn(turn: Turn) -> str:
    return turn.meta.get("topic") or topic_of(turn.content)


def asked_before(query: str, asked: list[Turn]) -> bool:
    return any(t.meta.get("rewritten_query") == query for t in asked)


def last_answer_sources(turns: list[Turn]) -> list[str]:
    """The documents the last reply to a question quoted, in citation order ("where did you get
    that?" after "thanks" still means the answer before)."""
    replies = [reply for asked, reply in zip(turns[::2], turns[1::2]) if not asked.meta.get("aside")]
    return [doc_id for doc_id, _ in replies[-1].meta.get("quoted", ())] if replies else []


def quoted_in(turns: list[Turn]) -> Heard:
    """(document, offset) of every sentence the conversation's answers quoted."""
    return frozenset(
        (doc_id, start) for t in turns if t.role == "assistant" for doc_id, start in t.meta.get("quoted", ())
    )
