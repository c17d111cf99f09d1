"""``docent serve`` and ``docent ask``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ragcore.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument(
        "--index", type=Path, default=None, help="index directory (default: DOCENT_INDEX_DIR or var/index)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.set_defaults(handler=run_serve)

    ask = commands.add_parser("ask", help="answer one question from the command line")
    ask.add_argument("question", help="the question")
    ask.add_argument("--index", type=Path, default=None, help="index directory")
    ask.add_argument("--json", action="store_true", help="print the full response as JSON")
    ask.set_defaults(handler=run_ask)


def _settings(index: Path | None) -> Settings:
    return Settings(**({"index_dir": index} if index else {}))


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ragcore.index_store import IndexStore
    from ragcore.llm.backends import require_backend
    from service.app import create_app
    from service.logging_config import configure_service_logging

    settings = _settings(args.index)
    IndexStore(settings.index_dir).require_current()  # fail fast, before binding the port
    require_backend(settings.generator)  # a missing optional package is named with its install command
    configure_service_logging(settings.log_level)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


def run_ask(args: argparse.Namespace) -> int:
    from ragcore.pipeline import build_pipeline

    result = build_pipeline(_settings(args.index)).chat(args.question)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(result.answer)
    for c in result.citations:
        print(f"  [{c.n}] {c.title} — {c.section} ({c.doc_id}, chars {c.char_start}-{c.char_end})")
    for extra in (result.notice, result.disclaimer):
        if extra:
            print(f"\n{extra}")
    return 0
