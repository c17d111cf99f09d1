"""The answer pipeline and its composition root, :func:`build_pipeline`.

small talk or another language? (a reply, no search) -> conversation history (``history``) ->
standalone query -> hybrid retrieval -> scope guard -> evidence gate, and the readings with the
conversation's topic or misspellings corrected (``readings``) -> emergency notice -> unsafe-request
check -> answer generation -> citation check -> disclaimer (``responses``) -> result.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ragcore.answers import ChatResult
from ragcore.blas_threads import limit_blas_threads
from ragcore.chunking import CHUNKER_VERSION
from ragcore.conversations import ConversationStore, SQLiteConversationStore, Turn
from ragcore.embedding import Embedder
from ragcore.embedding_backends import backend_of, make_embedder
from ragcore.emergency import Urgency, urgency
from ragcore.errors import ConversationFull, ConversationNotFound
from ragcore.followups import (
    asks_for_more,
    is_context_dependent,
    rewrite_query,
)
from ragcore.history import asked_before, exchange, last_answer_sources, questions_asked, quoted_in, topic_of_turn
from ragcore.index_store import IndexStore
from ragcore.loaded_index import check_manifest, load_version
from ragcore.novelty import Heard
from ragcore.readings import QuestionReader, Reading
from ragcore.responses import refusal, respond
from ragcore.retrieval import ScoredChunk
from ragcore.serving import Serving
from ragcore.settings import Settings
from ragcore.timing import elapsed_ms
from ragcore.unsafe import is_unsafe

if TYPE_CHECKING:
    from ragcore.llm.resilience import ResilientChat

log = logging.getLogger(__name__)


class ChatListener(Protocol):
    """Receives a chat turn's progress, for streaming: ``meta`` once before generation, then tokens."""

    def meta(self, conversation_id: str, rewritten_query: str, domain: str | None) -> None: ...

    def token(self, text: str) -> None: ...


class Pipeline:
    """Answers chat turns from the live index version."""

    def __init__(
        self,
        *,
        settings: Settings,
        embedder: Embedder,
        store: IndexStore,
        conversations: ConversationStore,
        chat_model: Any | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.conversations = conversations
        self.chat_model: ResilientChat | None = None
        if chat_model is not None:  # a LangChain chat model: the ``llm`` generator writes answers
            from ragcore.llm.resilience import ResilientChat

            self.chat_model = ResilientChat(chat_model, settings.llm)
        self._lock = threading.Lock()
        self.serving = self._load(None)

    # -- index versions -------------------------------------------------------------------
    def _load(self, version: str | None) -> Serving:
        index = load_version(self.store, version, milvus_uri=self.settings.milvus_uri)
        check_manifest(
            index.manifest,
            model_id=self.embedder.model_id,
            dim=self.embedder.dim,
            chunker_version=CHUNKER_VERSION,
            backend=backend_of(self.embedder),
        )
        return Serving(index, self.settings, embedder=self.embedder, chat=self.chat_model)

    @property
    def index_version(self) -> str:
        return self.serving.index.version

    def reload_if_changed(self) -> bool:
        """Load the version ``CURRENT`` names if it is not the one serving; swap atomically."""
        live = self.store.current_version()
        if live is None or live == self.serving.index.version:
            return False
        with self._lock:
            if live == self.serving.index.version:
                return False
            self.serving = self._load(live)
        log.info("now serving index version %s", live)
        return True

    # -- answering ------------------------------------------------------------------------
    def chat(
        self,
        message: str,
        conversation_id: str | None = None,
        *,
        owner: str | None = None,
        max_turns: int | None = None,
        listener: ChatListener | None = None,
    ) -> ChatResult:
        """Answer one turn. ``owner`` is the caller's principal: a new conversation belongs to it, and
        continuing someone else's conversation fails exactly like an unknown id (no probing).
        ``max_turns`` (default: the settings') caps the user turns of one conversation. ``listener``
        receives the turn's events as they happen (streaming)."""
        started = time.perf_counter()
        serving = self.serving  # one version answers the whole request
        if conversation_id is None:
            conversation_id = self.conversations.create(owner)
            turns: list[Turn] = []
        else:
            turns = self.history(conversation_id, owner=owner)
            max_turns = max_turns or self.settings.limits.max_turns
            if sum(t.role == "user" for t in turns) >= max_turns:
                raise ConversationFull(conversation_id, max_turns)
        timings: dict[str, float] = {}
        aside = serving.reply_without_sources(message, last_answer_sources(turns))
        if aside is not None:
            topic = ""
            if listener is not None:
                listener.meta(conversation_id, message.strip(), None)
            kind, reply = aside
            result = refusal("out_of_scope", reply, None, message.strip(), serving.index.version, kind=kind)
        else:
            result, topic = self._answer(serving, message, turns, conversation_id, listener, timings)
        result.conversation_id = conversation_id
        timings["total"] = elapsed_ms(started)
        result.timings_ms = timings
        self.conversations.append(conversation_id, exchange(message, result, topic=topic, aside=aside is not None))
        return result

    def _answer(
        self,
        serving: Serving,
        message: str,
        turns: list[Turn],
        conversation_id: str,
        listener: ChatListener | None,
        timings: dict[str, float],
    ) -> tuple[ChatResult, str]:
        """``(result, topic)`` for a question to the sources; small talk earlier in
        the conversation lends no topic. A request for more ("tell me more", "what else?") asks the
        previous question again, and its answer quotes only sentences not quoted before."""
        asked = questions_asked(turns)
        topics = [topic_of_turn(t) for t in asked]
        more = asks_for_more(message, next((t for t in reversed(topics) if t), ""))
        if more and asked and asked[-1].meta.get("rewritten_query"):  # "tell me more": the same question again
            rewritten, topic = asked[-1].meta["rewritten_query"], topics[-1]
        else:
            rewritten, topic = rewrite_query(message, topics)
            rewritten = self._condense(message, turns, topics) or rewritten
        reader = QuestionReader(serving, self.embedder.embed_query)
        t0 = time.perf_counter()
        query_vector = self.embedder.embed_query(rewritten)
        timings["embed"] = elapsed_ms(t0)
        reading = reader.best(message, reader.read(rewritten, topic, vector=query_vector, timings=timings), topics)
        urgent = self._urgency(serving, message, reading.query, reading.vector)
        if urgent is not None:
            reading = reader.in_emergency(message, reading, urgent)
        if listener is not None:
            listener.meta(conversation_id, reading.query, reading.domain)
        t0 = time.perf_counter()
        # the same question asked again gets the same answer; a new one, news where there is any
        heard = quoted_in(turns) if more or not asked_before(reading.query, asked) else frozenset()
        result = self._reply(serving, reading, listener, heard=heard, only_new=more, emergency=urgent is not None)
        timings["generate"] = elapsed_ms(t0)
        result.notice = urgent.notice if urgent else None
        return result, reading.topic

    def _reply(
        self,
        serving: Serving,
        reading: Reading,
        listener: ChatListener | None,
        *,
        heard: Heard,
        only_new: bool,
        emergency: bool,
    ) -> ChatResult:
        """The refusal of an unsafe request (an emergency's notice still comes with it), else the
        answer or refusal the reading's decision calls for."""
        domains = serving.domains
        if is_unsafe(
            serving.unsafe,
            domains.unsafe_cues,
            reading.query,
            lambda: reading.vector,
            protective=domains.unsafe_protective,
            violent=domains.unsafe_violent,
        ):
            message = domains.unsafe_message or "I can't help with that."
            return refusal("unsafe", message, None, reading.query, serving.index.version)
        return respond(
            serving,
            self.settings.answer,
            reading,
            on_token=listener.token if listener else None,
            heard=heard,
            only_new=only_new,
            emergency=emergency,
        )

    def history(self, conversation_id: str, *, owner: str | None = None) -> list[Turn]:
        """The turns of a conversation ``owner`` may see; :class:`ConversationNotFound` otherwise."""
        stored = self.conversations.turns(conversation_id)
        if stored is None or self.conversations.owner_of(conversation_id) != owner:
            raise ConversationNotFound(conversation_id)
        return stored

    def delete_conversation(self, conversation_id: str, *, owner: str | None = None) -> None:
        """Delete a conversation ``owner`` may see; :class:`ConversationNotFound` otherwise."""
        self.history(conversation_id, owner=owner)
        if not self.conversations.delete(conversation_id):
            raise ConversationNotFound(conversation_id)

    def search(self, query: str, *, k: int | None = None, domain: str | None = None) -> list[ScoredChunk]:
        return self.serving.retriever.retrieve(query, self.embedder.embed_query(query), k=k, domain=domain)

    def _urgency(self, serving: Serving, message: str, rewritten: str, query_vector: np.ndarray) -> Urgency | None:
        """The emergency notice the message itself calls for (a follow-up's own words, not the
        topic carried into it)."""

        def message_vector() -> np.ndarray:
            return query_vector if rewritten == message.strip() else self.embedder.embed_query(message)

        return urgency(serving.domains, serving.emergency, message, message_vector)

    def _condense(self, message: str, turns: list[Turn], topics: list[str]) -> str | None:
        """The language model's standalone form of a follow-up, when one is configured."""
        if self.chat_model is None or not self.settings.llm.condense_followups:
            return None
        if not topics or not is_context_dependent(message):
            return None
        from ragcore.llm.condense import condense_question

        return condense_question(self.chat_model, [(t.role, t.content) for t in turns], message)


def build_pipeline(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    conversations: ConversationStore | None = None,
    chat_model: Any | None = None,
) -> Pipeline:
    """The one place where real components are wired together."""
    if chat_model is None and settings.generator != "extractive":
        from ragcore.llm.backends import build_chat_model

        chat_model = build_chat_model(settings)
    pipeline = Pipeline(
        settings=settings,
        embedder=embedder or make_embedder(settings),
        store=IndexStore(settings.index_dir),
        conversations=conversations or CONVERSATION_STORES[settings.state_backend](settings),
        chat_model=chat_model,
    )
    limit_blas_threads(settings.blas_threads)  # after loading: numpy's, scipy's and FAISS's BLAS are all in
    return pipeline


def _redis_conversations(settings: Settings) -> ConversationStore:
    from ragcore.redis_conversations import RedisConversationStore

    assert settings.redis_url is not None  # Settings validates this
    return RedisConversationStore.from_url(settings.redis_url, prefix=settings.redis_prefix)


# Conversation-store backends by name (DOCENT_STATE_BACKEND).
CONVERSATION_STORES: dict[str, Callable[[Settings], ConversationStore]] = {
    "sqlite": lambda s: SQLiteConversationStore(s.resolved_conversations_db),
    "redis": _redis_conversations,
}
