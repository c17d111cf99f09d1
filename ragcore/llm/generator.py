"""The ``llm`` answer generator: a language model writes, verification decides what is kept.

question + evidence -> numbered evidence prompt -> model reply (streamed to ``on_token``) ->
verification (``verify``) -> draft of supported sentences, each with the exact source sentences it
cited. When nothing survives, or the model fails or times out, the answer comes from the fallback
(the extractive generator, whose name the draft then carries) or is an empty draft, which the
pipeline refuses as ``insufficient_evidence`` (``DOCENT_LLM__FALLBACK=refuse``).
"""

from __future__ import annotations

import logging

from ragcore.errors import GenerationError
from ragcore.generation import AnswerGenerator, Draft, DraftSentence, TokenSink
from ragcore.llm.prompt import build_messages, select_passages
from ragcore.llm.resilience import ResilientChat
from ragcore.llm.verify import SupportScorer, VerificationReport, verify_answer
from ragcore.retrieval import ScoredChunk
from ragcore.settings import LLMSettings

log = logging.getLogger(__name__)


class LLMGenerator:
    """Answers with a chat model and keeps only verified, cited sentences.

    >>> draft = LLMGenerator(chat, scorer, extractive, settings, name="llm:openai").generate(q, evidence)
    >>> draft.generator in ("llm:openai", "extractive")
    True
    """

    def __init__(
        self,
        chat: ResilientChat,
        scorer: SupportScorer,
        fallback: AnswerGenerator,
        settings: LLMSettings,
        *,
        name: str,
        max_sentences: int = 3,
    ) -> None:
        self.chat = chat
        self.scorer = scorer
        self.fallback = fallback
        self.settings = settings
        self.name = name
        self.max_sentences = max_sentences

    def generate(self, question: str, evidence: list[ScoredChunk], *, on_token: TokenSink | None = None) -> Draft:
        return self.answer(question, evidence, on_token=on_token)[0]

    def answer(
        self, question: str, evidence: list[ScoredChunk], *, on_token: TokenSink | None = None
    ) -> tuple[Draft, VerificationReport | None]:
        """The draft and, when the model replied, the verification report behind it."""
        s = self.settings
        passages = select_passages(evidence, max_passages=s.max_passages, max_chars=s.max_evidence_chars)
        if not passages:
            return self._fall_back(question, evidence, "no evidence sentences"), None
        messages = build_messages(question, passages, max_sentences=self.max_sentences)
        try:
            reply = self.chat.complete(messages, on_token=on_token)
        except GenerationError as exc:
            return self._fall_back(question, evidence, str(exc)), None
        report = verify_answer(reply, passages, self.scorer, min_support=s.min_support)
        log.info(
            "llm answer: %d of %d sentences verified (%s)",
            len(report.kept),
            len(report.verdicts),
            ", ".join(v.reason for v in report.verdicts) or "empty reply",
        )
        kept = [
            DraftSentence(v.claim.text, tuple((p.sentence, p.chunk, score) for p, score in v.support))
            for v in report.kept[: self.max_sentences]
        ]
        if not kept:
            return self._fall_back(question, evidence, "no generated sentence was supported by its citations"), report
        return Draft(tuple(kept), self.name), report

    def _fall_back(self, question: str, evidence: list[ScoredChunk], why: str) -> Draft:
        log.warning("%s answer falls back to %s: %s", self.name, self.settings.fallback, why)
        if self.settings.fallback == "refuse":
            return Draft((), self.name)
        return self.fallback.generate(question, evidence)
