"""``docent <command>``: mounts each package's sub-commands; nothing imports this module."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from ragcore.errors import DocentError


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from evals.cli import register as register_evals
    from ingest.cli import register as register_ingest
    from service.cli import register as register_service

    parser = argparse.ArgumentParser(prog="docent", description="Cited answers for healthcare, law and education.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in (register_ingest, register_service, register_evals):
        register(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        for noisy in ("bm25s", "transformers", "sentence_transformers"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        return int(args.handler(args) or 0)
    except DocentError as exc:
        print(f"docent: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("docent: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
