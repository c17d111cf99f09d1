"""``POST /v1/chat`` as server-sent events (``"stream": true`` or ``Accept: text/event-stream``).

Events, in order::

    meta      {"conversation_id", "rewritten_query", "domain"}     once, before generation
    token     {"text"}                                            draft text as it is written
    citation  {CitationPublic}                                    each verified citation
    refusal   {RefusalPublic}                                     when the turn is refused
    done      {ChatPublic}                                        the full response: authoritative
    error     {"error": {"code", "message"}}                      instead of done, if the turn failed

``token`` events preview a language model's draft, markers included; verification runs after it,
so a sentence that is not supported is retracted by ``done``, whose ``answer`` and ``citations``
replace everything streamed before. An extractive answer (or a fallback) has nothing to preview,
so its final answer is sent as ``token`` events after the fact. Errors before ``meta`` (an unknown
conversation) are ordinary JSON error responses, not streams.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.responses import StreamingResponse

from ragcore.answers import ChatResult
from ragcore.pipeline import Pipeline
from service.schemas import ChatPublic

log = logging.getLogger(__name__)
_WORDS = re.compile(r"\S+\s*")


def wants_stream(stream: bool, accept: str | None) -> bool:
    return stream or "text/event-stream" in (accept or "")


def sse(event: str, data: Any) -> str:
    """One server-sent event; ``data`` as one line of JSON."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class _QueueListener:
    def __init__(self, events: queue.Queue[tuple[str, Any]]) -> None:
        self.events = events

    def meta(self, conversation_id: str, rewritten_query: str, domain: str | None) -> None:
        self.events.put(
            ("meta", {"conversation_id": conversation_id, "rewritten_query": rewritten_query, "domain": domain})
        )

    def token(self, text: str) -> None:
        self.events.put(("token", {"text": text}))


def stream_chat(
    pipeline: Pipeline,
    message: str,
    conversation_id: str | None,
    *,
    owner: str | None = None,
    max_turns: int | None = None,
    on_result: Callable[[ChatResult], None] | None = None,
) -> StreamingResponse:
    """Run the turn in a worker thread; raise its error if it fails before ``meta``, else stream.
    ``owner`` and ``max_turns`` apply as for a plain answer; ``on_result`` sees the final result."""
    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def work() -> None:
        try:
            listener = _QueueListener(events)
            result = pipeline.chat(message, conversation_id, owner=owner, max_turns=max_turns, listener=listener)
            if on_result is not None:
                on_result(result)
            events.put(("result", result))
        except Exception as exc:  # handed to the response thread
            events.put(("error", exc))

    threading.Thread(target=work, name="docent-chat-stream", daemon=True).start()
    kind, first = events.get()
    if kind == "error":
        raise first  # before any byte was sent: mapped to a JSON error by service.errors
    return StreamingResponse(
        _events(kind, first, events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _events(kind: str, first: Any, events: queue.Queue[tuple[str, Any]]) -> Iterator[str]:
    streamed = False
    while True:
        if kind == "error":
            log.error("streamed chat failed: %r", first)
            yield sse("error", {"error": {"code": "internal_error", "message": "the request could not be completed"}})
            return
        if kind == "result":
            yield from _finish(ChatPublic.model_validate(first.to_dict()), streamed)
            return
        streamed = streamed or kind == "token"
        yield sse(kind, first)
        kind, first = events.get()


def _finish(result: ChatPublic, streamed: bool) -> Iterator[str]:
    if result.refusal is None and not streamed:
        for word in _WORDS.findall(result.answer):
            yield sse("token", {"text": word})
    for citation in result.citations:
        yield sse("citation", citation.model_dump())
    if result.refusal is not None:
        yield sse("refusal", result.refusal.model_dump())
    yield sse("done", result.model_dump())
