"""``docent eval run``: score datasets, write metrics.json, items.jsonl, report.md, report.html, check gates."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from evals.datasets import load_dataset
from evals.gates import check_gates, load_gates
from evals.metrics import summarise, summarise_groups
from evals.report import write_html, write_markdown
from evals.runner import run_items
from evals.targets import ChatTarget, HttpTarget, InProcessTarget
from ragcore.embedding import SentenceTransformerEmbedder
from ragcore.scope import in_calibration_half
from ragcore.settings import Settings


def run_evaluation(args: argparse.Namespace) -> int:
    target: ChatTarget
    embedder = SentenceTransformerEmbedder()
    if args.target:
        target = HttpTarget(args.target, api_key=args.api_key)
    else:
        from ragcore.conversations import SQLiteConversationStore
        from ragcore.pipeline import build_pipeline

        settings = Settings(**({"index_dir": args.index} if args.index else {}))
        target = InProcessTarget(
            build_pipeline(settings, embedder=embedder, conversations=SQLiteConversationStore(":memory:"))
        )
    rows_by_dataset = {}
    for path in args.dataset:
        items = [dataclasses.replace(i, extra=i.extra | {"_dataset": path.stem}) for i in load_dataset(path)]
        if args.half != "all":  # calibration sets fit on one hash half of a set; report on the other
            items = [i for i in items if in_calibration_half(i.question) == (args.half == "calibration")]
        rows_by_dataset[path.stem] = run_items(target, items[: args.limit], embedder=embedder, progress=True)
    rows = [r for group in rows_by_dataset.values() for r in group]
    groups = summarise_groups(rows)
    metrics = {
        "overall": groups["overall"],
        "per_dataset": {name: summarise(group) for name, group in rows_by_dataset.items()},
        "per_domain": groups["per_domain"],
        "followups": groups["followups"],
    }
    failures = check_gates(metrics, load_gates(args.thresholds)) if args.thresholds else []
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    with open(args.out / "items.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    write_markdown(args.out / "report.md", metrics, rows, failures)
    write_html(args.out / "report.html", metrics, rows, failures)
    print((args.out / "report.md").read_text())
    for failure in failures:
        print(f"gate missed: {failure}", file=sys.stderr)
    return 1 if failures else 0
