"""One query's scope and evidence decision: the fitted scope guard and evidence gate read its
features, then the rule for questions that cite a provision overrides them where it must."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ragcore.legal_citations import asks_for_the_provision_itself, citation_keys, mentions
from ragcore.loaded_index import LoadedIndex
from ragcore.retrieval import ScoredChunk
from ragcore.scope import ScopeDecision, ScopeGuard, query_features


def decide(
    scope: ScopeGuard, index: LoadedIndex, query: str, query_vector: np.ndarray, evidence: list[ScoredChunk]
) -> ScopeDecision:
    features = query_features(
        query, query_vector, evidence, index.lexical, scope.examples, document_text=index.catalog.document_text
    )
    return _with_citations(scope.decide(features, query_vector), query, evidence, index.catalog.document_text)


def _with_citations(
    decision: ScopeDecision, query: str, evidence: list[ScoredChunk], document_text: Callable[[str], str]
) -> ScopeDecision:
    """A question that cites a provision ("What is 42 U.S.C. 12102?") is a legal one, however little
    else its words say. When the sources hold the provision and the question asks only what it says,
    its own text is the answer; when they neither hold nor mention it, passages from other
    provisions would not be about it."""
    keys = citation_keys(query)
    if not keys:
        return decision
    if any(chunk.cited for chunk in evidence):
        enough = decision.enough_evidence or asks_for_the_provision_itself(query)
    else:
        enough = decision.enough_evidence and any(
            mentions(keys, document_text(chunk.record.doc_id)) for chunk in evidence[:3]
        )
    return dataclasses.replace(decision, in_scope=True, enough_evidence=enough)
