"""``docent eval ...``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("eval", help="evaluate the pipeline on evaluation sets")
    sub = parser.add_subparsers(dest="eval_command", required=True, metavar="EVAL_COMMAND")
    run = sub.add_parser("run", help="run evaluation sets through the pipeline and score them")
    run.add_argument("--dataset", action="append", required=True, type=Path, help="JSON Lines set (repeatable)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--index", type=Path, default=None, help="run in-process on this index (default var/index)")
    where.add_argument("--target", default=None, help="run over HTTP against this server, e.g. http://127.0.0.1:8000")
    run.add_argument("--api-key", default=None, help="bearer key for --target")
    run.add_argument("--out", type=Path, default=Path("var/eval"), help="output folder (default var/eval)")
    run.add_argument("--thresholds", type=Path, default=None, help="TOML release gates; exit 1 when one is missed")
    run.add_argument("--limit", type=int, default=None, help="first N items of each dataset")
    run.add_argument(
        "--half",
        choices=["all", "held-out", "calibration"],
        default="all",
        help="only the items of one hash half: 'held-out' skips the questions a calibration set fitted on",
    )
    run.set_defaults(handler=_run)

    beir = sub.add_parser("beir", help="retrieval quality (nDCG@10, recall, MRR) on a BEIR folder")
    beir.add_argument("folder", type=Path, help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv")
    beir.add_argument("--split", default="test", choices=["test", "train", "dev"], help="qrels split")
    beir.add_argument(
        "--work", type=Path, default=None, help="where the index and its cache live (default var/beir/<name>)"
    )
    beir.add_argument(
        "--configs",
        default="fused+rerank",
        help="comma-separated: dense,bm25,fused,fused+rerank (default: the production default)",
    )
    beir.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    beir.set_defaults(handler=_beir)


def _run(args: argparse.Namespace) -> int:
    from evals.run_command import run_evaluation

    return run_evaluation(args)


def _beir(args: argparse.Namespace) -> int:
    from evals.beir import CONFIGS, evaluate_beir

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        raise SystemExit(f"docent: error: unknown config(s) {sorted(unknown)}; choose from {sorted(CONFIGS)}")
    work = args.work or Path("var") / "beir" / args.folder.resolve().name
    result = evaluate_beir(args.folder, split=args.split, work=work, configs=configs)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0
