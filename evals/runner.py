"""Run evaluation items against a target and score them.

An item's ``history`` is replayed as real turns of one conversation (its user turns are sent
first), so follow-ups are resolved exactly as they are for a user.
"""

from __future__ import annotations

import time

import numpy as np

from evals.datasets import EvalItem
from evals.metrics import item_scores
from evals.targets import ChatTarget


def run_items(target: ChatTarget, items: list[EvalItem], *, embedder=None, progress: bool = False) -> list[dict]:  # type: ignore[no-untyped-def]
    """One row per item: what was asked and answered, and its scores."""
    from tqdm import tqdm

    rows = []
    for item in tqdm(items, disable=not progress, desc="evaluating", unit="item"):
        conversation_id = None
        heard: set[tuple[str, int]] = set()  # sentences the conversation's answers quoted so far
        for turn in item.history:
            if turn.get("role") == "user":
                earlier = target.chat(turn["content"], conversation_id)
                conversation_id = earlier["conversation_id"]
                heard |= {(c["doc_id"], c["char_start"]) for c in earlier["citations"]}
        started = time.perf_counter()
        result = target.chat(item.question, conversation_id)
        latency = (time.perf_counter() - started) * 1000
        retrieved = target.search(result["rewritten_query"], 10) if item.gold_sources else []
        texts = {c["doc_id"]: target.document_text(c["doc_id"]) for c in result["citations"]}
        similarity = _similarity(embedder, result, item)
        rows.append(
            {
                "id": item.id,
                "dataset": item.extra.get("_dataset"),
                "question": item.question,
                "domain": item.domain,
                "kind": item.extra.get("kind"),
                "should_refuse": item.should_refuse,
                "refusal_reason": item.refusal_reason,
                "gold_sources": item.gold_sources,
                "gold_sections": item.gold_sections,
                "has_history": bool(item.history),
                "emergency": bool(item.extra.get("emergency")),
                "rewritten_query": result["rewritten_query"],
                "answer": result["answer"],
                "citations": result["citations"],
                "refusal": result["refusal"],
                "notice": result.get("notice"),
                "answer_domain": result["domain"],
                "retrieved": retrieved,
                "latency_ms": round(latency, 2),
                "timings_ms": result.get("timings_ms", {}),
                "scores": item_scores(item, result, texts, retrieved, similarity, heard=heard),
            }
        )
    return rows


def _similarity(embedder, result: dict, item: EvalItem) -> float | None:  # type: ignore[no-untyped-def]
    if embedder is None or not item.reference_answer or result["refusal"] is not None:
        return None
    vectors = embedder.embed_documents([result["answer"], item.reference_answer])
    return round(float(np.dot(vectors[0], vectors[1])), 4)
