"""From a reading's evidence and decision to what the user gets: an answer with its citations and
the domain's disclaimer, or a refusal that carries none.

The evidence is cleaned before any generator sees it: instructions inside documents, templates'
sentences and those holding a reference mark (``citations.may_quote``), another law's sections when
the question names one law, and, when the user asked for more, what earlier answers quoted.
"""

from __future__ import annotations

import numpy as np

from ragcore.answers import ChatResult, Refusal
from ragcore.citations import cite, may_quote
from ragcore.generation import Draft, TokenSink
from ragcore.injection import screen_evidence
from ragcore.novelty import Heard, without_repeats
from ragcore.provisions import provision_text
from ragcore.readings import Reading
from ragcore.refusal_messages import insufficient_evidence_message, out_of_scope_message
from ragcore.retrieval import ScoredChunk
from ragcore.serving import Serving
from ragcore.settings import AnswerSettings


def respond(
    serving: Serving,
    settings: AnswerSettings,
    reading: Reading,
    *,
    on_token: TokenSink | None = None,
    heard: Heard = frozenset(),
    only_new: bool = False,
    emergency: bool = False,
) -> ChatResult:
    """The answer, or the refusal the decision calls for. Sentences earlier answers quoted
    (``heard``: document, offset) are left out while something new comes close enough
    (``ragcore.novelty``), and always with ``only_new``: the user asked for more ("tell me more").
    An ``emergency`` with nothing to quote says its notice tells what to do now."""
    rewritten, query_vector, evidence, decision = reading.query, reading.vector, reading.evidence, reading.decision
    version = serving.index.version
    if not decision.in_scope or not evidence:
        return refusal("out_of_scope", out_of_scope_message(serving.domains), None, rewritten, version)
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
        fresh = without_repeats(evidence, heard, margin=settings.sentence_margin)
        draft = _draft(serving, settings, rewritten, query_vector, fresh, on_token)
        if fresh is not evidence and not (draft and draft.sentences):  # nothing new made an answer
            draft = _draft(serving, settings, rewritten, query_vector, evidence, on_token)
    if not draft or not draft.sentences:
        message = insufficient_evidence_message(
            serving.index.catalog, rewritten, asked_for_more=only_new, emergency=emergency
        )
        result = refusal("insufficient_evidence", message, domain, rewritten, version)
        result.disclaimer = disclaimer
        return result
    answer, citations = cite(serving.index.catalog, draft)
    return ChatResult(
        "", answer, citations, None, domain, rewritten, disclaimer, None, version, generator=draft.generator
    )


def refusal(
    reason: str, message: str, domain: str | None, rewritten: str, version: str, *, kind: str | None = None
) -> ChatResult:
    """A refusal: its message is the answer, and it never carries citations."""
    refused = Refusal(reason, message, kind)  # type: ignore[arg-type]
    return ChatResult("", message, [], refused, domain, rewritten, None, None, version)


def _draft(
    serving: Serving,
    settings: AnswerSettings,
    rewritten: str,
    query_vector: np.ndarray,
    evidence: list[ScoredChunk],
    on_token: TokenSink | None,
) -> Draft | None:
    """A cited provision's own text when the question asks only for it, else the generator's answer."""
    return provision_text(
        serving.index, rewritten, query_vector, evidence, settings.max_sentences
    ) or serving.generator.generate(rewritten, evidence, on_token=on_token)
