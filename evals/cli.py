"""``docent eval ...``."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("eval", help="evaluate the pipeline on evaluation sets")
    sub = parser.add_subparsers(dest="eval_command", required=True, metavar="EVAL_COMMAND")
    run = sub.add_parser("run", help="run evaluation sets through the pipeline and score them")
    run.add_argument("--dataset", action="append", required=True, help="JSON Lines evaluation set (repeatable)")
    run.add_argument("--index", default=None, help="index directory")
    run.add_argument("--limit", type=int, default=None, help="first N items of each dataset")
    run.add_argument("--out", default=None, help="write items.jsonl and metrics.json here")
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from evals.runner import run_command

    return run_command(args)
