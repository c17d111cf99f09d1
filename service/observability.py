"""Request ids, one JSON log line per request, and request metrics (pure ASGI middleware).

The request id is the client's ``X-Request-ID`` when it is sane (1-64 characters of
``[A-Za-z0-9._-]``), else a new random one; it is echoed in the response's ``X-Request-ID`` and
attached to every log line written while the request runs. The per-request line holds the
method, route template, status and duration — never a body, query or message text.
An exception that escapes a route becomes a JSON 500 here, so it is counted and carries the id.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.limits import send_error
from service.logging_config import request_id_var
from service.metrics import ServiceMetrics

log = logging.getLogger("docent.requests")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def route_of(scope: Scope) -> str:
    """The matched route's template (``/v1/documents/{doc_id}``), so labels never hold raw ids."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path.replace(":path}", "}")
    return "/static" if scope.get("path", "").startswith("/static/") else "unmatched"


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SANE_ID.match(text) else None
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        status = 500
        started = False
        t0 = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unexpected error")
            if not started:
                await send_error(send_with_id, 500, "internal_error", "the request could not be completed", {})
        finally:
            seconds = time.perf_counter() - t0
            route = route_of(scope)
            self.metrics.observe_request(scope["method"], route, status, seconds)
            log.info(
                "%s %s %d %.1f ms",
                scope["method"],
                route,
                status,
                seconds * 1000,
                extra={
                    "request_id": request_id,
                    "http": {
                        "method": scope["method"],
                        "route": route,
                        "status": status,
                        "ms": round(seconds * 1000, 1),
                    },
                },
            )
            request_id_var.reset(token)
