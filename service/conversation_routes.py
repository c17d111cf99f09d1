"""``/v1/conversations/{id}``: read or delete a conversation — only the key that started it may."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service.auth import Principal
from service.openapi_docs import V1_ERRORS, error_responses
from service.routes import PipelineDep
from service.schemas import ConversationPublic, TurnPublic

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])
ConversationPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/{conversation_id}", response_model=ConversationPublic, responses=error_responses(*V1_ERRORS, 404))
def read_conversation(conversation_id: ConversationPath, pipeline: PipelineDep, owner: Principal) -> ConversationPublic:
    """The turns so far. Another key's conversation is a 404, exactly like an unknown id."""
    turns = pipeline.history(conversation_id, owner=owner)
    return ConversationPublic(
        conversation_id=conversation_id,
        turns=[
            TurnPublic(role=t.role, content=t.content, refusal=t.meta.get("refusal") if t.role == "assistant" else None)  # type: ignore[arg-type]
            for t in turns
        ],
    )


@router.delete(
    "/{conversation_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(*V1_ERRORS, 404),
)
def delete_conversation(conversation_id: ConversationPath, pipeline: PipelineDep, owner: Principal) -> Response:
    """Delete a conversation and its turns for good (another key's conversation is a 404)."""
    pipeline.delete_conversation(conversation_id, owner=owner)
    return Response(status_code=204)
