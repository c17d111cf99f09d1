"""Map errors to JSON bodies ``{"error": {"code", "message"}}``; nothing leaks as a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ragcore.errors import (
    ConversationFull,
    ConversationNotFound,
    DocentError,
    DocumentNotFound,
    IndexNotFound,
    IndexStoreError,
    SharedStateUnavailable,
)
from service.jobs import JobConflict

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class ServiceUnavailable(Exception):
    """The index is not loaded yet (or failed to load)."""


# Expected errors: (status, code); the message is the exception's own text, which carries context.
_EXPECTED: dict[type[Exception], tuple[int, str]] = {
    DocumentNotFound: (404, "document_not_found"),
    ConversationNotFound: (404, "conversation_not_found"),
    ConversationFull: (409, "too_many_turns"),
    IndexNotFound: (404, "version_not_found"),
    JobConflict: (409, "job_running"),
    ServiceUnavailable: (503, "not_ready"),
    SharedStateUnavailable: (503, "state_unavailable"),
}


def _expected_handler(status: int, code: str):  # type: ignore[no-untyped-def]
    headers = {"Retry-After": "5"} if status == 503 else None

    async def handle(_: Request, exc: Exception) -> JSONResponse:
        return error_response(status, code, str(exc), headers=headers)

    return handle


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
        return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body": bytes that are not JSON text
            return error_response(422, "invalid_request", "the body is not valid UTF-8 JSON")
        code = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            429: "rate_limited",
        }.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    for error_type, (status, code) in _EXPECTED.items():
        app.add_exception_handler(error_type, _expected_handler(status, code))

    @app.exception_handler(IndexStoreError)
    async def _index(_: Request, exc: IndexStoreError) -> JSONResponse:
        log.error("index error: %s", exc)
        return error_response(503, "index_unavailable", str(exc))

    @app.exception_handler(DocentError)
    async def _docent(_: Request, exc: DocentError) -> JSONResponse:
        log.error("request failed: %s", exc)
        return error_response(500, "internal_error", "the request could not be completed")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, "internal_error", "the request could not be completed")
