"""Documented error responses for the OpenAPI schema: the body, an example and headers per status.

Every error the service sends has the body ``{"error": {"code", "message"}}``; these entries let
clients (and the schemathesis fuzz test) know which statuses a route can answer with.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.schemas import ErrorPublic

_ERRORS: dict[int, tuple[str, str, str]] = {
    401: (
        "unauthorized",
        "No API key, or an unknown one.",
        "this service needs an API key: send Authorization: Bearer <key>",
    ),
    403: ("forbidden", "The key lacks the role this route needs.", "this key is not an admin key"),
    404: ("not_found", "Unknown resource, or one that belongs to another key.", "no conversation with id 'a1b2'"),
    409: ("conflict", "The request conflicts with the current state.", "ingest job 4f2c is still running"),
    413: ("too_large", "The request body is over the size limit.", "request body over 65536 bytes"),
    422: (
        "invalid_request",
        "The request is malformed or invalid.",
        "message: String should have at least 1 character",
    ),
    429: ("rate_limited", "Too many requests from this key or address.", "too many requests; retry in 2 s"),
    503: ("not_ready", "The index is loading, or the request timed out.", "the index is still loading; retry shortly"),
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for a route that can fail with ``statuses``."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        code, description, message = _ERRORS[status]
        entry: dict[str, Any] = {
            "model": ErrorPublic,
            "description": description,
            "content": {"application/json": {"example": {"error": {"code": code, "message": message}}}},
        }
        if status in (429, 503):
            entry["headers"] = _RETRY_AFTER
        out[status] = entry
    return out


# Every /v1 route passes the limits middleware (413, 429, 503 timeout) and may need a key (401).
V1_ERRORS = (401, 413, 422, 429, 503)


def document_optional_auth(app: FastAPI, *, chat_keys_required: bool) -> None:
    """Make the schema say what the running service does: while no chat key is configured the
    chat routes accept requests without a key, so their Bearer requirement is marked optional."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            if not chat_keys_required:
                for path, operations in schema.get("paths", {}).items():
                    for operation in operations.values():
                        if operation.get("security") and not path.startswith("/v1/admin"):
                            operation["security"] = [{}, *operation["security"]]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
