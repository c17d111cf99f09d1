"""Timeouts, retries with exponential backoff and a circuit breaker around one chat model.

Every call streams in a worker thread so a deadline holds even for an in-process model that
cannot be interrupted: the caller stops waiting, the worker stops at its next token. A call that
fails (error or timeout) before any token was passed on is retried after ``backoff * 2**attempt``
seconds; after ``breaker_failures`` failed calls in a row the breaker opens and calls fail at once
for ``breaker_reset_s`` seconds, then one trial call decides. Failures surface as
``GenerationError``, which the generator turns into an extractive answer, never a 500.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from ragcore.errors import GenerationError
from ragcore.generation import TokenSink
from ragcore.llm.prompt import Message
from ragcore.settings import LLMSettings

log = logging.getLogger(__name__)


class CircuitBreaker:
    """Closed -> open after ``failures`` consecutive failures -> half-open after ``reset_s``."""

    def __init__(self, failures: int, reset_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = failures
        self.reset_s = reset_s
        self.clock = clock
        self.consecutive = 0
        self.opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.reset_s else "open"

    def allow(self) -> bool:
        return self.state != "open"

    def record_success(self) -> None:
        with self._lock:
            self.consecutive = 0
            self.opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self.consecutive += 1
            if self.consecutive >= self.threshold or self.opened_at is not None:
                self.opened_at = self.clock()  # a failed half-open trial re-opens for another period


class ResilientChat:
    """A LangChain chat model (anything with ``.stream(messages)``) behind deadline, retry and breaker."""

    def __init__(
        self,
        model: Any,
        settings: LLMSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.timeout_s = settings.timeout_s
        self.max_retries = settings.max_retries
        self.backoff_s = settings.backoff_s
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_reset_s, clock=clock)
        self.sleep = sleep
        self._model_lock = threading.Lock()  # in-process models (llama.cpp) are not thread-safe

    def complete(self, messages: list[Message], *, on_token: TokenSink | None = None) -> str:
        """The model's whole reply; tokens go to ``on_token`` as they arrive."""
        if not self.breaker.allow():
            raise GenerationError(f"language model unavailable: circuit breaker open for up to {self.breaker.reset_s}s")
        last: Exception | None = None
        for attempt in range(self.max_retries + 1):
            forwarded: list[str] = []

            def sink(token: str, forwarded: list[str] = forwarded) -> None:
                forwarded.append(token)
                if on_token is not None:
                    on_token(token)

            try:
                text = self._stream_once(messages, sink)
            except Exception as exc:  # any backend failure degrades, whatever its type
                last = exc
                log.warning("language model call failed (attempt %d of %d): %s", attempt + 1, self.max_retries + 1, exc)
                if forwarded or attempt == self.max_retries:
                    break  # tokens already went out: a retry would repeat them
                self.sleep(self.backoff_s * 2**attempt)
                continue
            self.breaker.record_success()
            return text
        self.breaker.record_failure()
        raise GenerationError(f"language model failed after {attempt + 1} attempt(s): {last!r}") from last

    def _stream_once(self, messages: list[Message], sink: TokenSink) -> str:
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                with self._model_lock:
                    for chunk in self.model.stream(messages):
                        if stop.is_set():
                            return
                        content = chunk.content
                        events.put(("token", content if isinstance(content, str) else str(chunk.text)))
                events.put(("end", None))
            except BaseException as exc:  # handed to the caller's thread
                events.put(("error", exc))

        threading.Thread(target=produce, name="docent-llm-call", daemon=True).start()
        deadline = time.monotonic() + self.timeout_s
        parts: list[str] = []
        while True:
            try:
                kind, value = events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                stop.set()
                raise TimeoutError(f"no complete reply within {self.timeout_s}s") from None
            if kind == "token":
                if value:
                    parts.append(value)
                    sink(value)
            elif kind == "error":
                raise value
            else:
                return "".join(parts)
