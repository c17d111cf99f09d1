"""Per-item scores and their summaries.

- ``gold_cited``: an answered item cites at least one gold document.
- ``refused`` / ``refusal_correct``: the item was refused / refused for the expected reason.
- ``quotes_valid``: every citation quote equals the document text at its offsets.
"""

from __future__ import annotations

from evals.datasets import EvalItem


def item_scores(item: EvalItem, result: dict, document_texts: dict[str, str]) -> dict:
    refusal = result.get("refusal")
    cited = {c["doc_id"] for c in result["citations"]}
    return {
        "refused": refusal is not None,
        "refusal_reason": refusal["reason"] if refusal else None,
        "refusal_correct": bool(refusal) and refusal["reason"] == item.refusal_reason,
        "gold_cited": bool(cited & set(item.gold_sources)),
        "quotes_valid": all(
            document_texts[c["doc_id"]][c["char_start"] : c["char_end"]] == c["quote"] for c in result["citations"]
        ),
        "citations_on_refusal": bool(refusal) and bool(result["citations"]),
    }


def _rate(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarise(rows: list[dict]) -> dict:
    answerable = [r for r in rows if not r["should_refuse"]]
    oos = [r for r in rows if r["refusal_reason"] == "out_of_scope"]
    insufficient = [r for r in rows if r["refusal_reason"] == "insufficient_evidence"]
    answered = [r for r in answerable if not r["scores"]["refused"]]
    followups = [r for r in answerable if r["has_history"]]
    return {
        "items": len(rows),
        "answerable": len(answerable),
        "false_refusal_rate": _rate([r["scores"]["refused"] for r in answerable]),
        "gold_cited_rate_answerable": _rate([r["scores"]["gold_cited"] for r in answerable]),
        "gold_cited_rate_answered": _rate([r["scores"]["gold_cited"] for r in answered]),
        "followup_gold_cited_rate": _rate([r["scores"]["gold_cited"] for r in followups]),
        "out_of_scope": len(oos),
        "out_of_scope_refused_rate": _rate([r["scores"]["refusal_correct"] for r in oos]),
        "out_of_scope_any_refusal_rate": _rate([r["scores"]["refused"] for r in oos]),
        "insufficient": len(insufficient),
        "insufficient_refused_rate": _rate([r["scores"]["refusal_correct"] for r in insufficient]),
        "insufficient_any_refusal_rate": _rate([r["scores"]["refused"] for r in insufficient]),
        "quote_validity": _rate([r["scores"]["quotes_valid"] for r in rows]),
        "citations_on_refusals": sum(r["scores"]["citations_on_refusal"] for r in rows),
        "latency_ms_p50": _percentile([r["latency_ms"] for r in rows], 50),
        "latency_ms_p95": _percentile([r["latency_ms"] for r in rows], 95),
    }


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
