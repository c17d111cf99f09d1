"""``docent ingest CORPUS_DIR --index INDEX_DIR``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ragcore.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ingest", help="build a new index version from a corpus folder")
    parser.add_argument("corpus", type=Path, help="corpus root: <root>/<domain>/.../<name>.md|txt|html|pdf")
    parser.add_argument("--index", type=Path, default=None, help="index directory (default: DOCENT_INDEX_DIR or var/index)")
    parser.add_argument("--domains", type=Path, default=None, help="domains.yaml (default: <corpus>/domains.yaml)")
    parser.add_argument("--force", action="store_true", help="build a new version even when the index is current")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when any file was skipped")
    parser.add_argument("--json", action="store_true", help="print the ingest report as JSON")
    parser.set_defaults(handler=run_ingest)


def run_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ingest.build import build_version
    from ragcore.chunking import Chunker
    from ragcore.embedding import SentenceTransformerEmbedder
    from ragcore.index_store import IndexStore

    settings = Settings(**({"index_dir": args.index} if args.index else {}))
    domains_file = args.domains or _default_domains(args.corpus, settings)
    embedder = SentenceTransformerEmbedder(settings.embedding_model, batch_size=settings.embed_batch_size)
    chunker = Chunker(embedder.count_tokens, max_tokens=settings.chunk_tokens, overlap_tokens=settings.chunk_overlap_tokens)
    quiet = args.json or not sys.stderr.isatty()
    result = build_version(
        args.corpus, IndexStore(settings.index_dir), embedder, chunker,
        domains_file=domains_file, force=args.force, evidence_threshold=settings.evidence_threshold,
        progress=lambda total, desc: tqdm(total=total, desc=desc, unit="text", disable=quiet and total < 1),
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        _print_summary(result, settings.index_dir)
    return 1 if args.strict and result.skipped else 0


def _default_domains(corpus: Path, settings: Settings) -> Path:
    own = corpus / "domains.yaml"
    return own if own.is_file() else settings.resolved_domains_file


def _print_summary(result, index_dir: Path) -> None:  # type: ignore[no-untyped-def]
    if result.up_to_date:
        print(f"index {index_dir} is current (version {result.version}); nothing to do (use --force to rebuild)")
    else:
        domains = ", ".join(f"{n} {d}" for d, n in sorted(result.domains.items()))
        print(f"published version {result.version} in {index_dir}")
        print(f"  documents: {result.documents} ({domains})")
        print(f"  chunks:    {result.chunks}")
        print(f"  sentences: {result.sentences}")
        print(f"  embedded:  {result.embedded} new texts (the rest came from the cache)")
        print(f"  seconds:   {result.seconds:.1f}")
    print(f"  skipped:   {len(result.skipped)} file(s)")
    for path, reason in result.skipped:
        print(f"    - {path}: {reason}")
    for path, reason in result.warnings:
        print(f"  warning: {path}: {reason}")
