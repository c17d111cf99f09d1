"""Helpers shared by the benchmarks: where the development data is, and how results are written."""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DOCENT_SHARED_DATA", PROJECT.parent / "shared" / "data"))
RESULTS = Path(os.environ.get("DOCENT_BENCH_RESULTS", PROJECT / "bench" / "results"))


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def write_result(name: str, result: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    result = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
    } | result
    path.write_text(json.dumps(result, indent=2))
    return path


def sample_corpus(source: Path, target: Path, *, every: int) -> int:
    """Copy every ``every``-th document (sorted by id, so every collection is represented) to ``target``."""
    files = sorted(p for p in source.rglob("*.md"))
    chosen = files[::every]
    for path in chosen:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return len(chosen)


def synthetic_corpus(target: Path, *, documents: int) -> int:
    """Generated Markdown documents for machines without the shared development data."""
    import random

    rng = random.Random(52)
    words = (
        "patient tenant student leave benefit claim record school court dose vaccine screening loan "
        "grant landlord employer notice hearing symptom treatment policy privacy form deadline"
    ).split()
    for i in range(documents):
        domain = ("healthcare", "law", "education")[i % 3]
        sections = []
        for s in range(4):
            sentences = [
                " ".join(rng.choice(words) for _ in range(rng.randint(10, 25))).capitalize() + "."
                for _ in range(rng.randint(6, 12))
            ]
            sections.append(f"## Section {s}\n\n" + " ".join(sentences))
        path = target / domain / f"doc{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: Document {i}\ndomain: {domain}\n---\n\n# Document {i}\n\n" + "\n\n".join(sections)
        )
    return documents
