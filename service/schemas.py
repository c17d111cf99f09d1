"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_MESSAGE_CHARS = 4000


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain non-whitespace characters")
    return value


Text = Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_CHARS), AfterValidator(_not_blank)]


class ChatCreate(BaseModel):
    """A user turn."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"message": "How is asthma treated?"}]})

    message: Text = Field(description="The question (1-4,000 characters, not blank).")
    conversation_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Continue this conversation; omit to start a new one.",
    )
    stream: bool = Field(False, description="Answer as server-sent events (also: Accept: text/event-stream).")


class CitationPublic(BaseModel):
    n: int
    doc_id: str
    title: str
    source: str | None
    section: str
    quote: str = Field(description="Exact sentence: document text[char_start:char_end].")
    char_start: int
    char_end: int
    score: float


class RefusalPublic(BaseModel):
    reason: Literal["out_of_scope", "insufficient_evidence", "unsafe"]
    message: str
    kind: Literal["small_talk", "other_language"] | None = Field(
        None,
        description="Set when the message was no question for the sources: small talk ('hi', 'thanks', "
        "'who are you?') or a message in another language; the message is Docent's reply.",
    )


class ChatPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conversation_id": "5f0c9d2e4b7a4c1e9a3d2b1c0f9e8d7c",
                    "answer": "Asthma cannot be cured, but most people with asthma can control their symptoms [1].",
                    "citations": [
                        {
                            "n": 1,
                            "doc_id": "healthcare/asthma.md",
                            "title": "Asthma: symptoms, triggers, inhalers and attack warning signs",
                            "source": "https://www.nhlbi.nih.gov/health/asthma",
                            "section": "What asthma is",
                            "quote": "Asthma cannot be cured, but most people with asthma can control their symptoms.",
                            "char_start": 392,
                            "char_end": 493,
                            "score": 0.71,
                        }
                    ],
                    "refusal": None,
                    "domain": "healthcare",
                    "rewritten_query": "How is asthma treated?",
                    "disclaimer": "Docent shares general health information; it is not medical advice.",
                    "notice": None,
                    "index_version": "20261126T165214524691Z-464ce3",
                    "generator": "extractive",
                    "timings_ms": {"embed": 9.1, "retrieve": 8.0, "generate": 0.4, "total": 19.2},
                }
            ]
        }
    )

    conversation_id: str
    answer: str
    citations: list[CitationPublic]
    refusal: RefusalPublic | None
    domain: str | None
    rewritten_query: str
    disclaimer: str | None
    notice: str | None
    index_version: str
    generator: str
    timings_ms: dict[str, float]


class SearchCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"query": "security deposit deductions", "k": 3, "domain": "law"}]},
    )

    query: Text = Field(description="What to search for (1-4,000 characters, not blank).")
    k: int = Field(5, ge=1, le=50)
    domain: str | None = Field(None, max_length=64)


class SearchHit(BaseModel):
    rank: int
    chunk_id: str
    doc_id: str
    title: str
    domain: str
    section: str
    text: str
    char_start: int
    char_end: int
    score: float


class SearchPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "query": "security deposit deductions",
                    "index_version": "20261126T165214524691Z-464ce3",
                    "hits": [
                        {
                            "rank": 1,
                            "chunk_id": "ee9152c932c656b1c45d02cd",
                            "doc_id": "law/security-deposits.md",
                            "title": "Security deposits",
                            "domain": "law",
                            "section": "Deductions",
                            "text": "A landlord may deduct unpaid rent and repairs beyond normal wear.",
                            "char_start": 812,
                            "char_end": 1290,
                            "score": 0.6421,
                        }
                    ],
                }
            ]
        }
    )

    query: str
    hits: list[SearchHit]
    index_version: str


class SectionPublic(BaseModel):
    heading: str
    path: list[str]
    char_start: int
    char_end: int


class DocumentPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "doc_id": "healthcare/asthma.md",
                    "title": "Asthma: symptoms, triggers, inhalers and attack warning signs",
                    "domain": "healthcare",
                    "text": "Asthma is a long-term disease of the airways …",
                    "metadata": {"source": "https://www.nhlbi.nih.gov/health/asthma", "license": "Public domain"},
                    "sections": [
                        {"heading": "What asthma is", "path": ["What asthma is"], "char_start": 0, "char_end": 640}
                    ],
                    "index_version": "20261126T165214524691Z-464ce3",
                }
            ]
        }
    )

    doc_id: str
    title: str
    domain: str
    text: str = Field(description="Normalised text; citation offsets index it.")
    metadata: dict[str, str]
    sections: list[SectionPublic]
    index_version: str


class DomainPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "law",
                    "title": "Law",
                    "description": "Plain-language guides to everyday legal questions.",
                    "examples": ["How much notice does my landlord need to give before entering?"],
                    "disclaimer": "Docent shares general legal information; it is not legal advice.",
                }
            ]
        }
    )

    name: str
    title: str
    description: str
    examples: list[str]
    disclaimer: str


class HealthPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ready", "index_version": "20261126T165214524691Z-464ce3"}]}
    )

    status: str
    index_version: str | None = None


class TurnPublic(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    refusal: str | None = Field(None, description="For assistant turns: the refusal reason, if it refused.")


class ConversationPublic(BaseModel):
    """A conversation's turns, visible only to the key that started it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conversation_id": "5f0c9d2e4b7a4c1e9a3d2b1c0f9e8d7c",
                    "turns": [
                        {"role": "user", "content": "How is asthma treated?", "refusal": None},
                        {"role": "assistant", "content": "Asthma cannot be cured, but … [1]", "refusal": None},
                    ],
                }
            ]
        }
    )

    conversation_id: str
    turns: list[TurnPublic]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorPublic(BaseModel):
    """Every error response: ``{"error": {"code": ..., "message": ...}}``."""

    error: ErrorDetail
