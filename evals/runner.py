"""Run evaluation items through the pipeline in-process and score them.

History is replayed as real turns of one conversation, so follow-ups are resolved exactly as
they would be for a user.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from evals.datasets import EvalItem, load_dataset
from evals.metrics import item_scores, summarise
from ragcore.conversations import Turn
from ragcore.pipeline import Pipeline, build_pipeline
from ragcore.settings import Settings


def run_items(pipeline: Pipeline, items: list[EvalItem], *, progress: bool = False) -> list[dict]:
    from tqdm import tqdm

    rows = []
    for item in tqdm(items, disable=not progress, desc="evaluating", unit="item"):
        history = [Turn(h["role"], h["content"]) for h in item.history]
        started = time.perf_counter()
        result = pipeline.chat(item.question, history=history).to_dict()
        latency = (time.perf_counter() - started) * 1000
        document_texts = {
            c["doc_id"]: pipeline.serving.index.catalog.document(c["doc_id"]).text for c in result["citations"]
        }
        rows.append(
            {
                "id": item.id,
                "question": item.question,
                "domain": item.domain,
                "kind": item.extra.get("kind"),
                "should_refuse": item.should_refuse,
                "refusal_reason": item.refusal_reason,
                "gold_sources": item.gold_sources,
                "gold_sections": item.gold_sections,
                "has_history": bool(item.history),
                "rewritten_query": result["rewritten_query"],
                "answer": result["answer"],
                "citations": result["citations"],
                "refusal": result["refusal"],
                "answer_domain": result["domain"],
                "latency_ms": round(latency, 2),
                "scores": item_scores(item, result, document_texts),
            }
        )
    return rows


def run_command(args: argparse.Namespace) -> int:
    settings = Settings(**({"index_dir": args.index} if args.index else {}))
    pipeline = build_pipeline(settings)
    report: dict[str, dict] = {}
    all_rows = []
    for path in args.dataset:
        items = load_dataset(Path(path))[: args.limit]
        rows = run_items(pipeline, items, progress=True)
        report[Path(path).stem] = summarise(rows)
        all_rows += rows
    report["overall"] = summarise(all_rows)
    print(json.dumps(report, indent=2))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(json.dumps(report, indent=2))
        with open(out / "items.jsonl", "w", encoding="utf-8") as fh:
            for row in all_rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0
