"""``docent ingest`` and ``docent index list|rollback|gc``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ragcore.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ingest", help="build a new index version from a corpus folder")
    parser.add_argument("corpus", type=Path, help="corpus root: <root>/<domain>/.../<name>.md|txt|html|pdf")
    parser.add_argument(
        "--index", type=Path, default=None, help="index directory (default: DOCENT_INDEX_DIR or var/index)"
    )
    parser.add_argument("--domains", type=Path, default=None, help="domains.yaml (default: <corpus>/domains.yaml)")
    parser.add_argument("--force", action="store_true", help="build a new version even when the index is current")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change (added/updated/removed) and stop"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when any file was skipped")
    parser.add_argument("--keep", type=int, default=None, help="versions to keep (default: DOCENT_KEEP_VERSIONS or 3)")
    parser.add_argument("--json", action="store_true", help="print the ingest report as JSON")
    parser.add_argument(
        "--calibration-set",
        type=Path,
        action="append",
        default=None,
        help="labelled JSONL question set whose calibration half also fits the scope guard and evidence gate "
        "(repeatable; default: DOCENT_CALIBRATION__EXTRA_SETS)",
    )
    parser.set_defaults(handler=_ingest)

    index = commands.add_parser("index", help="list, roll back or clean index versions")
    sub = index.add_subparsers(dest="index_command", required=True, metavar="INDEX_COMMAND")
    for name, help_text in (
        ("list", "list versions; * marks the live one"),
        ("rollback", "make an older version live"),
        ("gc", "delete all but the newest --keep versions"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--index", type=Path, default=None, help="index directory")
        cmd.set_defaults(handler=_index_command)
    sub.choices["rollback"].add_argument("version", nargs="?", help="version (default: the one before the live one)")
    sub.choices["gc"].add_argument("--keep", type=int, default=None, help="versions to keep")


def _settings(index: Path | None) -> Settings:
    return Settings(**({"index_dir": index} if index else {}))


def _ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ingest.runner import run_ingest

    settings = _settings(args.index)
    quiet = args.json or not sys.stderr.isatty()
    options: dict[str, object] = {"force": args.force, "dry_run": args.dry_run}
    if args.domains:
        options["domains_file"] = args.domains
    if args.keep:
        options["keep_versions"] = args.keep
    if args.calibration_set:
        options["calibration"] = settings.calibration.model_copy(update={"extra_sets": args.calibration_set})
    result = run_ingest(
        settings,
        args.corpus,
        progress=lambda total, desc: tqdm(total=total, desc=desc, unit="text", disable=quiet),
        **options,
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        _print_summary(result, settings.index_dir)
    return 1 if args.strict and result.skipped else 0


def _print_summary(result, index_dir: Path) -> None:  # type: ignore[no-untyped-def]
    plan = result.plan
    changes = (
        f"{len(plan.added)} added, {len(plan.updated)} updated, {len(plan.removed)} removed, "
        f"{len(plan.unchanged)} unchanged"
    )
    if result.dry_run:
        print(f"dry run against {index_dir} (live version {result.version or 'none'}): {changes}")
        for label, ids in (("+", plan.added), ("~", plan.updated), ("-", plan.removed)):
            for doc_id in ids:
                print(f"  {label} {doc_id}")
    elif result.up_to_date:
        print(f"index {index_dir} is current (version {result.version}); nothing to do (use --force to rebuild)")
    else:
        domains = ", ".join(f"{n} {d}" for d, n in sorted(result.domains.items()))
        print(f"published version {result.version} in {index_dir}")
        print(f"  documents: {result.documents} ({domains}); {changes}")
        print(f"  chunks:    {result.chunks}")
        print(f"  sentences: {result.sentences}")
        print(f"  embedded:  {result.embedded} new texts (the rest came from the cache)")
        print(f"  seconds:   {result.seconds:.1f}")
        if result.removed_versions:
            print(f"  removed old versions: {', '.join(result.removed_versions)}")
        _print_calibration(result.calibration)
    print(f"  skipped:   {len(result.skipped)} file(s)")
    for path, reason in result.skipped:
        print(f"    - {path}: {reason}")
    for path, reason in result.warnings:
        print(f"  warning: {path}: {reason}")


def _print_calibration(calibration: dict) -> None:
    """The scope guard's, evidence gate's, emergency and unsafe-request models' five-fold held-out
    figures on their training texts."""
    if not calibration:
        return
    held_out = calibration["held_out"]
    scope, evidence = held_out["scope"], held_out["evidence"]
    print(f"  calibrated on {calibration['trained_on']} (five-fold held-out figures):")
    print(
        f"    scope guard:   {scope['negatives_accepted']:.1%} of {scope['negatives']} out-of-scope questions "
        f"accepted, {scope['positives_rejected']:.1%} of {scope['positives']} in-domain questions refused"
    )
    print(
        f"    evidence gate: {evidence['negatives_accepted']:.1%} of {evidence['negatives']} unanswerable questions "
        f"answered, {evidence['positives_rejected']:.1%} of {evidence['positives']} answerable questions refused"
    )
    if emergency := held_out.get("emergency"):
        print(
            f"    emergencies:   "
            f"{emergency['emergencies_flagged']:.1%} of {emergency['emergencies']} emergency messages "
            f"given a notice, {emergency['others_flagged']:.1%} of {emergency['others']} other messages"
        )
    if unsafe := held_out.get("unsafe"):
        print(
            f"    unsafe:        {unsafe['unsafe_refused']:.1%} of {unsafe['unsafe']} unsafe requests refused, "
            f"{unsafe['others_refused']:.1%} of {unsafe['others']} other texts "
            f"({unsafe.get('unsafe_refused_without_cue', 0.0):.1%} of the requests surely enough to need no cue)"
        )


def _index_command(args: argparse.Namespace) -> int:
    from ragcore.index_store import IndexStore

    settings = _settings(args.index)
    store = IndexStore(settings.index_dir)
    if args.index_command == "list":
        live = store.current_version()
        for version in store.versions():
            counts = store.manifest(version).get("counts", {})
            mark = "*" if version == live else " "
            print(f"{mark} {version}  documents={counts.get('documents')} chunks={counts.get('chunks')}")
    elif args.index_command == "rollback":
        from ingest.runner import rollback_index

        print(f"live version is now {rollback_index(settings, args.version)}")
    else:
        removed = store.gc(args.keep or settings.keep_versions)
        print(f"removed {len(removed)} version(s)" + (f": {', '.join(removed)}" if removed else ""))
    return 0
