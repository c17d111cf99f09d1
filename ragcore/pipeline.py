"""The answer pipeline and its composition root, :func:`build_pipeline`.

small talk or another language? (a reply, no search) -> conversation history -> standalone query ->
hybrid retrieval -> scope guard -> evidence gate (when refused: once more with misspelled words
corrected) -> unsafe-request check -> answer generation -> citation check -> disclaimer / emergency
notice -> result.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ragcore.answers import ChatResult, Refusal
from ragcore.blas_threads import limit_blas_threads
from ragcore.chunking import CHUNKER_VERSION
from ragcore.citations import cite, may_quote
from ragcore.conversations import ConversationStore, SQLiteConversationStore, Turn
from ragcore.decision import decide
from ragcore.embedding import Embedder
from ragcore.embedding_backends import backend_of, make_embedder
from ragcore.emergency import Urgency, speaking_to, urgency
from ragcore.errors import ConversationFull, ConversationNotFound
from ragcore.followups import (
    asks_for_more,
    is_context_dependent,
    rewrite_query,
    topic_of,
    topical_words,
    with_previous_topic,
)
from ragcore.generation import Draft, TokenSink
from ragcore.index_store import IndexStore
from ragcore.injection import screen_evidence
from ragcore.loaded_index import check_manifest, load_version
from ragcore.novelty import Heard, without_repeats
from ragcore.provisions import provision_text
from ragcore.refusal_messages import insufficient_evidence_message, out_of_scope_message
from ragcore.retrieval import ScoredChunk
from ragcore.scope import ScopeDecision
from ragcore.serving import Serving
from ragcore.settings import Settings
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
        aside = serving.reply_without_sources(message, _last_answer_sources(turns))
        if aside is not None:
            rewritten, topic = message.strip(), ""
            if listener is not None:
                listener.meta(conversation_id, rewritten, None)
            kind, reply = aside
            result = self._refusal("out_of_scope", reply, None, rewritten, serving.index.version, kind=kind)
        else:
            result, rewritten, topic = self._answer(serving, message, turns, conversation_id, listener, timings)
        result.conversation_id = conversation_id
        user_meta: dict[str, object] = {"rewritten_query": rewritten, "topic": topic, "domain": result.domain}
        if aside is not None:
            user_meta["aside"] = True  # lends no topic to the next question
        timings["total"] = _ms(started)
        result.timings_ms = timings
        self.conversations.append(
            conversation_id,
            [
                Turn("user", message, user_meta),
                Turn(
                    "assistant",
                    result.answer,
                    {
                        "refusal": result.refusal.reason if result.refusal else None,
                        "quoted": [[c.doc_id, c.char_start] for c in result.citations],
                    },
                ),
            ],
        )
        return result

    def _answer(
        self,
        serving: Serving,
        message: str,
        turns: list[Turn],
        conversation_id: str,
        listener: ChatListener | None,
        timings: dict[str, float],
    ) -> tuple[ChatResult, str, str]:
        """``(result, standalone query, topic)`` for a question to the sources; small talk earlier in
        the conversation lends no topic. A request for more ("tell me more", "what else?") asks the
        previous question again, and its answer quotes only sentences not quoted before."""
        asked = [t for t in turns if t.role == "user" and not t.meta.get("aside")]
        topics = [self._topic_of(t) for t in asked]
        more = asks_for_more(message, next((t for t in reversed(topics) if t), ""))
        if more and asked and asked[-1].meta.get("rewritten_query"):  # "tell me more": the same question again
            rewritten, topic = asked[-1].meta["rewritten_query"], topics[-1]
        else:
            rewritten, topic = rewrite_query(message, topics)
            rewritten = self._condense(message, turns, topics) or rewritten
        t0 = time.perf_counter()
        query_vector = self.embedder.embed_query(rewritten)
        timings["embed"] = _ms(t0)
        t0 = time.perf_counter()
        evidence = serving.retriever.retrieve(rewritten, query_vector)
        timings["retrieve"] = _ms(t0)
        decision = self._decide(serving, rewritten, query_vector, evidence)
        if topics and rewritten == message.strip() and self._may_lean_on_context(message, decision):
            answerable_alone = decision.in_scope and decision.enough_evidence and evidence
            second = self._read_as_followup(
                serving, message, topics, to_beat=evidence[0].score if answerable_alone else None
            )
            if second is not None:
                rewritten, topic, query_vector, evidence, decision = second
        if not (decision.in_scope and decision.enough_evidence):
            corrected = self._read_corrected(serving, message, topics)
            if corrected is not None:
                rewritten, topic, query_vector, evidence, decision = corrected
        urgent = self._urgency(serving, message, rewritten, query_vector)
        if urgent and not decision.in_scope:  # a person in danger gets help, not "outside what I cover"
            evidence = serving.retriever.retrieve(rewritten, query_vector, domain=urgent.domain) or evidence
            decision = dataclasses.replace(self._decide(serving, rewritten, query_vector, evidence), in_scope=True)
        if urgent is not None:  # a person in crisis who only tells of it: quotes that read as an emergency
            evidence = speaking_to(message, urgent, serving.emergency, evidence, serving.index.sentence_vectors)
        if listener is not None:
            listener.meta(
                conversation_id, rewritten, evidence[0].record.domain if decision.in_scope and evidence else None
            )
        t0 = time.perf_counter()
        domains = serving.domains
        if is_unsafe(
            serving.unsafe,
            domains.unsafe_cues,
            rewritten,
            lambda: query_vector,
            protective=domains.unsafe_protective,
            violent=domains.unsafe_violent,
        ):  # an emergency's notice still comes with it
            refusal_message = domains.unsafe_message or "I can't help with that."
            result = self._refusal("unsafe", refusal_message, None, rewritten, serving.index.version)
        else:
            result = self._respond(
                serving,
                rewritten,
                query_vector,
                evidence,
                decision,
                on_token=listener.token if listener else None,
                # the same question asked again gets the same answer; a new one, news where there is any
                heard=_quoted_in(turns) if more or not _asked_before(rewritten, asked) else frozenset(),
                only_new=more,
                emergency=urgent is not None,
            )
        timings["generate"] = _ms(t0)
        result.notice = urgent.notice if urgent else None
        return result, rewritten, topic

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

    @staticmethod
    def _topic_of(turn: Turn) -> str:
        return turn.meta.get("topic") or topic_of(turn.content)

    @staticmethod
    def _decide(serving: Serving, query: str, query_vector: np.ndarray, evidence: list[ScoredChunk]) -> ScopeDecision:
        return decide(serving.scope, serving.index, query, query_vector, evidence)

    def _urgency(self, serving: Serving, message: str, rewritten: str, query_vector: np.ndarray) -> Urgency | None:
        """The emergency notice the message itself calls for (a follow-up's own words, not the
        topic carried into it)."""

        def message_vector() -> np.ndarray:
            return query_vector if rewritten == message.strip() else self.embedder.embed_query(message)

        return urgency(serving.domains, serving.emergency, message, message_vector)

    @staticmethod
    def _may_lean_on_context(message: str, decision: ScopeDecision) -> bool:
        """Whether a question that names a topic word of its own may still be a follow-up: alone it
        is in scope but finds no answer in the sources, or it is short ("How much is the award?";
        "where can I get the form for free?" after a question on health care proxies, which alone
        is answered from another page: then the reading with the topic must score higher)."""
        if decision.in_scope and not decision.enough_evidence:
            return True
        return len(topical_words(message)) <= 3

    def _read_as_followup(
        self, serving: Serving, message: str, topics: list[str], *, to_beat: float | None = None
    ) -> tuple | None:
        """The question read with the conversation's latest topic, if that reading is answerable,
        its evidence speaks of the question's own words too and its best passage scores above
        ``to_beat`` (the reading alone's, when that one is answerable too)."""
        carried = with_previous_topic(message, topics)
        if carried is None:
            return None
        rewritten, topic = carried
        reading = self._answerable_reading(serving, rewritten)
        if reading is None:
            return None
        query_vector, evidence, decision = reading
        if to_beat is not None and evidence[0].score <= to_beat:
            return None
        lexical = serving.index.lexical
        own_terms = lexical.terms(" ".join(topical_words(message)))
        found = lexical.terms(" ".join(f"{c.record.title} {c.record.text}" for c in evidence[:3]))
        if not own_terms <= found:  # a new topic ("what's the weather tomorrow?") stays new
            return None
        return rewritten, topic, query_vector, evidence, decision

    def _read_corrected(self, serving: Serving, message: str, topics: list[str]) -> tuple | None:
        """The question with its misspelled words corrected ("asthama symtoms" -> "asthma symptoms"),
        if that reading is answerable. Tried only for a question refused as typed: an informal word
        or a name the word lists lack ("texting", "meds", "Ambetter") is never changed in a question
        that is answered, and a refused one is answered only when the corrected reading passes
        the scope guard and evidence gate like any other question."""
        corrected = serving.spelling.correct(message)
        if corrected == message:
            return None
        rewritten, topic = rewrite_query(corrected, topics)
        reading = self._answerable_reading(serving, rewritten)
        return None if reading is None else (rewritten, topic, *reading)

    def _answerable_reading(self, serving: Serving, query: str) -> tuple | None:
        """``(query vector, evidence, decision)`` for another reading of the question, if it passes
        the scope guard and evidence gate."""
        query_vector = self.embedder.embed_query(query)
        evidence = serving.retriever.retrieve(query, query_vector)
        decision = self._decide(serving, query, query_vector, evidence)
        if not (decision.in_scope and decision.enough_evidence):
            return None
        return query_vector, evidence, decision

    def _condense(self, message: str, turns: list[Turn], topics: list[str]) -> str | None:
        """The language model's standalone form of a follow-up, when one is configured."""
        if self.chat_model is None or not self.settings.llm.condense_followups:
            return None
        if not topics or not is_context_dependent(message):
            return None
        from ragcore.llm.condense import condense_question

        return condense_question(self.chat_model, [(t.role, t.content) for t in turns], message)

    def _respond(
        self,
        serving: Serving,
        rewritten: str,
        query_vector: np.ndarray,
        evidence: list[ScoredChunk],
        decision: ScopeDecision,
        *,
        on_token: TokenSink | None = None,
        heard: Heard = frozenset(),
        only_new: bool = False,
        emergency: bool = False,
    ) -> ChatResult:
        """The answer, or the refusal the decision calls for. A template's sentences and those holding
        a reference mark are never quoted (``citations.may_quote``). Sentences earlier answers quoted
        (``heard``: document, offset) are left out while something new comes close enough
        (``ragcore.novelty``), and always with ``only_new``: the user asked for more ("tell me more").
        An ``emergency`` with nothing to quote says its notice tells what to do now."""
        version = serving.index.version
        if not decision.in_scope or not evidence:
            return self._refusal("out_of_scope", out_of_scope_message(serving.domains), None, rewritten, version)
        domain = evidence[0].record.domain
        info = serving.domains.domains.get(domain)
        disclaimer = info.disclaimer if info else None
        evidence = screen_evidence(evidence)  # instructions inside documents are never evidence
        # a question that names a law is not answered from another law's sections while anything else is left
        evidence = [chunk for chunk in evidence if not chunk.other_law] or evidence
        templates = serving.templates  # what no answer quotes, for the extractive and the llm generator alike
        already_said = heard if only_new else frozenset()
        evidence = [
            chunk.without_sentences(lambda s: not may_quote(s, templates) or (s.doc_id, s.start) in already_said)
            for chunk in evidence
        ]
        draft = None
        if decision.enough_evidence:
            fresh = without_repeats(evidence, heard, margin=self.settings.answer.sentence_margin)
            draft = self._draft(serving, rewritten, query_vector, fresh, on_token)
            if fresh is not evidence and not (draft and draft.sentences):  # nothing new made an answer
                draft = self._draft(serving, rewritten, query_vector, evidence, on_token)
        if not draft or not draft.sentences:
            message = insufficient_evidence_message(
                serving.index.catalog, rewritten, asked_for_more=only_new, emergency=emergency
            )
            result = self._refusal("insufficient_evidence", message, domain, rewritten, version)
            result.disclaimer = disclaimer
            return result
        answer, citations = cite(serving.index.catalog, draft)
        return ChatResult(
            "", answer, citations, None, domain, rewritten, disclaimer, None, version, generator=draft.generator
        )

    def _draft(
        self,
        serving: Serving,
        rewritten: str,
        query_vector: np.ndarray,
        evidence: list[ScoredChunk],
        on_token: TokenSink | None,
    ) -> Draft | None:
        return provision_text(
            serving.index, rewritten, query_vector, evidence, self.settings.answer.max_sentences
        ) or serving.generator.generate(rewritten, evidence, on_token=on_token)

    @staticmethod
    def _refusal(
        reason: str, message: str, domain: str | None, rewritten: str, version: str, *, kind: str | None = None
    ) -> ChatResult:
        refusal = Refusal(reason, message, kind)  # type: ignore[arg-type]
        return ChatResult("", message, [], refusal, domain, rewritten, None, None, version)


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


def _last_answer_sources(turns: list[Turn]) -> list[str]:
    """The documents the last reply to a question quoted, in citation order ("where did you get
    that?" after "thanks" still means the answer before)."""
    replies = [reply for asked, reply in zip(turns[::2], turns[1::2]) if not asked.meta.get("aside")]
    return [doc_id for doc_id, _ in replies[-1].meta.get("quoted", ())] if replies else []


def _asked_before(query: str, asked: list[Turn]) -> bool:
    return any(t.meta.get("rewritten_query") == query for t in asked)


def _quoted_in(turns: list[Turn]) -> Heard:
    """(document, offset) of every sentence the conversation's answers quoted."""
    return frozenset(
        (doc_id, start) for t in turns if t.role == "assistant" for doc_id, start in t.meta.get("quoted", ())
    )


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000.0, 2)
