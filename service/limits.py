"""ASGI middleware that bounds what one request may cost: rate, body size and time.

- **rate**: ``/v1/*`` requests take a token from the caller's bucket (``key:<sha256 prefix>`` for a
  Bearer key, else ``ip:<client address>``); an empty bucket is a 429 with ``Retry-After``.
- **body size**: a declared ``Content-Length`` over the limit is refused at once; a body that
  turns out larger while it is read is cut off — both a 413.
- **time**: a request that has not started its response after ``request_timeout_s`` gets a 503
  (``timeout``) instead of hanging; the abandoned work finishes in the background and is dropped.

Pure ASGI (not ``BaseHTTPMiddleware``) so streaming bodies pass through untouched.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.ratelimit import RateLimiter, retry_after_header


async def send_error(send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
    """Send a complete ``{"error": {...}}`` JSON response straight through ASGI."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def caller_identity(scope: Scope) -> str:
    """Who is asking, for rate limiting: a hash of the Bearer key, or the client address."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value.startswith(b"Bearer "):
            return "key:" + hashlib.sha256(value[7:]).hexdigest()[:32]
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


class LimitsMiddleware:
    def __init__(self, app: ASGIApp, *, limiter: RateLimiter | None, max_body_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.limiter is not None and scope["path"].startswith("/v1/"):
            wait = self.limiter.acquire(caller_identity(scope))
            if wait is not None:
                await send_error(
                    send,
                    429,
                    "rate_limited",
                    f"too many requests; retry in {retry_after_header(wait)} s",
                    {"Retry-After": retry_after_header(wait)},
                )
                return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await send_error(send, 413, "too_large", f"request body over {self.max_body_bytes} bytes")
            return
        await self._call_with_timeout(scope, self._bounded(receive), send)

    def _bounded(self, receive: Receive) -> Receive:
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(413, f"request body over {self.max_body_bytes} bytes")
            return message

        return bounded_receive

    async def _call_with_timeout(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = asyncio.Event()
        abandoned = False

        async def guarded_send(message: Message) -> None:
            if abandoned:
                return
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        waiter = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait({task, waiter}, timeout=self.timeout_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if task.done() or started.is_set():
            await task  # finished, or streaming its response: no deadline on the stream itself
            return
        abandoned = True
        task.cancel()
        task.add_done_callback(_consume_result)
        await send_error(
            send,
            503,
            "timeout",
            f"the request took longer than {self.timeout_s:g} s; retry later",
            {"Retry-After": "5"},
        )


def _consume_result(task: asyncio.Future) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log "exception was never retrieved"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
