"""HTTP routes: thin wrappers that validate, call the pipeline and shape the response."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ragcore.pipeline import Pipeline
from service.auth import Principal
from service.errors import error_response
from service.openapi_docs import V1_ERRORS, error_responses
from service.schemas import (
    ChatCreate,
    ChatPublic,
    DocumentPublic,
    DomainPublic,
    HealthPublic,
    SearchCreate,
    SearchHit,
    SearchPublic,
    SectionPublic,
)
from service.streaming import stream_chat, wants_stream

log = logging.getLogger(__name__)
router = APIRouter()
_V1_ERRORS = error_responses(*V1_ERRORS)
_V1_404_ERRORS = error_responses(*V1_ERRORS, 404)


async def get_pipeline(request: Request) -> Pipeline:
    """``async``: FastAPI runs a plain ``def`` dependency in the thread pool, a hand-off per request."""
    return request.app.state.holder.get()


PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]


@router.get("/healthz", response_model=HealthPublic, tags=["health"])
def healthz() -> HealthPublic:
    """The process is alive."""
    return HealthPublic(status="ok")


@router.get("/readyz", response_model=HealthPublic, responses=error_responses(503), tags=["health"])
def readyz(request: Request):  # type: ignore[no-untyped-def]
    """The index is loaded and requests can be answered."""
    holder = request.app.state.holder
    if holder.pipeline is None:
        return error_response(503, "not_ready", holder.error or "the index is still loading")
    return HealthPublic(status="ready", index_version=holder.pipeline.index_version)


_SSE_EXAMPLE = (
    'event: meta\ndata: {"conversation_id": "4f1c…", "rewritten_query": "…", "domain": "healthcare"}\n\n'
    'event: token\ndata: {"text": "Asthma "}\n\n'
    'event: citation\ndata: {"n": 1, "doc_id": "healthcare/asthma.md", "quote": "…"}\n\n'
    'event: done\ndata: {"conversation_id": "4f1c…", "answer": "…", "citations": […]}\n\n'
)
_CHAT_RESPONSES = error_responses(*V1_ERRORS, 404, 409) | {
    200: {
        "description": "The answer (JSON), or with streaming server-sent events meta, token, citation, refusal "
        "and done (the full response object; authoritative).",
        "content": {
            "text/event-stream": {
                "schema": {  # one server-sent event; ``data`` is one line of JSON
                    "type": "object",
                    "properties": {
                        "event": {"type": "string", "enum": ["meta", "token", "citation", "refusal", "done", "error"]},
                        "data": {"type": "string"},
                    },
                    "required": ["event", "data"],
                },
                "example": _SSE_EXAMPLE,
            }
        },
    }
}


@router.post("/v1/chat", response_model=ChatPublic, responses=_CHAT_RESPONSES, tags=["chat"])
async def chat(
    body: ChatCreate, pipeline: PipelineDep, owner: Principal, request: Request
) -> ChatPublic | StreamingResponse:
    """Answer one user turn with cited sentences, or refuse with a reason and no citations.

    A new conversation belongs to the caller's key; continuing another key's conversation is a 404,
    and one past ``DOCENT_LIMITS__MAX_TURNS`` questions a 409. With ``"stream": true`` or
    ``Accept: text/event-stream``: server-sent events (service/streaming.py)."""
    # ``async`` with the turn itself in the thread pool: one hand-off per request, where a plain
    # ``def`` route also sends its response validation through the pool (and waits twice more)
    log.debug("chat message %r (conversation %s)", body.message, body.conversation_id)
    max_turns = request.app.state.settings.limits.max_turns
    if wants_stream(body.stream, request.headers.get("accept")):
        return await run_in_threadpool(  # waits for the turn's first event
            stream_chat,
            pipeline,
            body.message,
            body.conversation_id,
            owner=owner,
            max_turns=max_turns,
            on_result=request.app.state.metrics.observe_chat,
        )
    result = await run_in_threadpool(
        pipeline.chat, body.message, body.conversation_id, owner=owner, max_turns=max_turns
    )
    request.app.state.metrics.observe_chat(result)
    return ChatPublic.model_validate(result.to_dict())


@router.post("/v1/search", response_model=SearchPublic, responses=_V1_ERRORS, tags=["search"])
def search(body: SearchCreate, pipeline: PipelineDep, _: Principal) -> SearchPublic:
    """Ranked chunks for a query (hybrid dense + BM25, reranked), for clients and debugging."""
    hits = pipeline.search(body.query, k=body.k, domain=body.domain)
    return SearchPublic(
        query=body.query,
        index_version=pipeline.index_version,
        hits=[
            SearchHit(
                rank=i + 1,
                chunk_id=h.record.chunk_id,
                doc_id=h.record.doc_id,
                title=h.record.title,
                domain=h.record.domain,
                section=" > ".join(h.record.section_path),
                text=h.record.text,
                char_start=h.record.start,
                char_end=h.record.end,
                score=round(h.score, 4),
            )
            for i, h in enumerate(hits)
        ],
    )


@router.get("/v1/documents/{doc_id:path}", response_model=DocumentPublic, responses=_V1_404_ERRORS, tags=["documents"])
def document(doc_id: Annotated[str, Path(max_length=512)], pipeline: PipelineDep, _: Principal) -> DocumentPublic:
    """A document's normalised text (citation offsets index it) and metadata."""
    serving = pipeline.serving
    doc = serving.index.catalog.document(doc_id)
    return DocumentPublic(
        doc_id=doc.doc_id,
        title=doc.title,
        domain=doc.domain,
        text=doc.text,
        metadata=doc.metadata,
        sections=[
            SectionPublic(heading=s.heading, path=list(s.path), char_start=s.start, char_end=s.end)
            for s in doc.sections
        ],
        index_version=serving.index.version,
    )


@router.get("/v1/domains", response_model=list[DomainPublic], responses=_V1_ERRORS, tags=["domains"])
def domains(pipeline: PipelineDep, _: Principal) -> list[DomainPublic]:
    """The domains Docent covers, with example questions and disclaimers."""
    return [
        DomainPublic(
            name=d.name, title=d.title, description=d.description, examples=list(d.examples), disclaimer=d.disclaimer
        )
        for d in pipeline.serving.domains.domains.values()
    ]
