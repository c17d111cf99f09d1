"""Everything one loaded index version serves with, built once per version and swapped as a unit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ragcore.citations import template_sentences
from ragcore.domains import load_domains
from ragcore.embedding import Embedder
from ragcore.emergency import EmergencyModel
from ragcore.errors import DocumentNotFound
from ragcore.extractive import ExtractiveGenerator
from ragcore.generation import AnswerGenerator
from ragcore.languages import language_of
from ragcore.loaded_index import DOMAINS_FILE, LoadedIndex
from ragcore.retrieval import HybridRetriever
from ragcore.scope import ScopeGuard
from ragcore.settings import Settings
from ragcore.small_talk import SmallTalkKind
from ragcore.spelling import SpellingCorrector
from ragcore.unsafe import UnsafeModel

if TYPE_CHECKING:
    from ragcore.llm.resilience import ResilientChat


class Serving:
    """Everything that belongs to one loaded index version, swapped as a unit."""

    def __init__(
        self,
        index: LoadedIndex,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        chat: ResilientChat | None = None,
    ) -> None:
        self.index = index
        self.domains = load_domains(index.path / DOMAINS_FILE)
        self.retriever = HybridRetriever(index, settings.retrieval)
        self.spelling = SpellingCorrector(index.vocabulary)
        self.scope = ScopeGuard.from_params(index.scope_model, index.scope_examples)
        emergency = index.scope_model.get("emergency")  # absent from versions fitted before it existed
        self.emergency = EmergencyModel.from_dict(emergency) if emergency else None
        unsafe = index.scope_model.get("unsafe")
        self.unsafe = UnsafeModel.from_dict(unsafe) if unsafe else None
        self.templates = template_sentences(index.catalog)  # never quoted; built here, not on the first question
        self.generator: AnswerGenerator = ExtractiveGenerator(
            index.sentence_vectors,
            max_sentences=settings.answer.max_sentences,
            margin=settings.answer.sentence_margin,
            document_text=index.catalog.document_text,  # from memory: runs per lead-in quoted
        )
        if chat is not None and embedder is not None:
            from ragcore.llm.generator import LLMGenerator
            from ragcore.llm.verify import SupportScorer

            self.generator = LLMGenerator(
                chat,
                SupportScorer(embedder, embedding_weight=settings.llm.embedding_weight),
                self.generator,
                settings.llm,
                name=f"llm:{settings.generator}" if settings.generator != "extractive" else "llm",
                max_sentences=settings.answer.max_sentences,
            )

    def reply_without_sources(self, message: str, last_quoted: Sequence[str] = ()) -> tuple[str, str] | None:
        """``(kind, reply)`` for a message that is no question for the sources: small talk ("thanks",
        "who are you?", "where did you get that?": ``ragcore.small_talk``; ``last_quoted`` are the
        documents the last answer quoted) or a message in another language (``ragcore.languages``)."""
        small_talk = self.domains.small_talk.kind_of(message)
        if small_talk is not None and small_talk.name == "sources":
            return "small_talk", self._name_sources(small_talk, last_quoted)
        if small_talk is not None:
            return "small_talk", small_talk.reply
        spelling = self.spelling
        language = language_of(message, corpus_word=spelling.vocabulary.__contains__, known=spelling.recognises)
        reply = self.domains.other_language_reply(language) if language else None
        return ("other_language", reply) if reply else None

    def _name_sources(self, kind: SmallTalkKind, doc_ids: Sequence[str]) -> str:
        """``kind``'s reply naming each document by title and address, once, in citation order."""
        named = []
        for doc_id in dict.fromkeys(doc_ids):
            try:
                document = self.index.catalog.document(doc_id)
            except DocumentNotFound:  # quoted from a version since replaced
                continue
            address = document.metadata.get("source")
            named.append(f"“{document.title}” ({address or doc_id})")
        if not named:
            return kind.reply_without_sources or kind.reply.replace("{sources}", "no documents")
        return kind.reply.replace("{sources}", "; ".join(named))
