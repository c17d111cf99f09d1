"""Scripted LangChain chat models for the ``llm`` generator's tests (readable, deterministic)."""

from __future__ import annotations

import threading

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from ragcore.injection import screen_evidence
from ragcore.llm.prompt import Passage, select_passages


class Boom(RuntimeError):
    """What a failing backend raises."""


class Failing:
    """An iterator of replies whose every ``next`` raises: a backend that is down."""

    def __init__(self) -> None:
        self.calls = 0

    def __iter__(self):
        return self

    def __next__(self):
        self.calls += 1
        raise Boom("backend down")


class Hanging:
    """An iterator of replies that never answers until ``release`` (a backend past its timeout)."""

    def __init__(self) -> None:
        self.released = threading.Event()

    def __iter__(self):
        return self

    def __next__(self):
        self.released.wait(60)
        return "too late [1]."


class PromptRecorder(BaseCallbackHandler):
    """Keeps the text of every prompt the model was sent."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def on_chat_model_start(self, serialized, messages, **kwargs):  # type: ignore[no-untyped-def]
        self.prompts.append("\n".join(str(m.content) for batch in messages for m in batch))


def script(pipeline, replies, *, recorder: PromptRecorder | None = None) -> GenericFakeChatModel:
    """Make ``pipeline``'s language model answer with ``replies`` in turn; closes the breaker."""
    model = GenericFakeChatModel(messages=iter(replies) if isinstance(replies, list) else replies)
    if recorder is not None:
        model.callbacks = [recorder]
    pipeline.chat_model.model = model
    pipeline.chat_model.breaker.record_success()
    return model


def passages_for(pipeline, question: str) -> list[Passage]:
    """The numbered evidence the pipeline puts in the prompt for a new conversation's ``question``."""
    serving = pipeline.serving
    evidence = serving.retriever.retrieve(question, pipeline.embedder.embed_query(question))
    llm = pipeline.settings.llm
    return select_passages(screen_evidence(evidence), max_passages=llm.max_passages, max_chars=llm.max_evidence_chars)


def number_of(passages: list[Passage], fragment: str) -> int:
    matches = [p.n for p in passages if fragment in p.sentence.text]
    assert matches, f"no evidence sentence contains {fragment!r}: {[p.sentence.text for p in passages]}"
    return matches[0]
