"""The corpus sample and questions the ingest, backend, latency and peer benchmarks share.

The sample is every N-th document of ``../shared/data/corpus`` (sorted by id, so every collection
is represented) plus the gold documents of a seeded sample of MedQuAD-dev questions, so that
recall@5 can be measured on it; without the shared data it is a generated corpus whose questions
are sentences of its own documents.
"""

from __future__ import annotations

import random
import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import PROJECT, SHARED_DATA, synthetic_corpus
from evals.datasets import EvalItem, load_dataset
from evals.metrics import percentiles


@dataclass
class Workspace:
    root: Path
    corpus: Path
    source: str
    documents: int
    questions: list[EvalItem]

    def index(self, name: str) -> Path:
        return self.root / f"index-{name}"


def prepare(root: Path, *, every: int, questions: int, synthetic_docs: int) -> Workspace:
    """A fresh sample corpus under ``root/corpus`` and the questions whose gold documents it holds."""
    if root.exists():
        shutil.rmtree(root)
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    shutil.copyfile(PROJECT / "corpus" / "domains.yaml", corpus / "domains.yaml")
    shared = SHARED_DATA / "corpus"
    chosen = _medquad_questions(questions)
    if shared.is_dir() and chosen is not None:
        files = sorted(shared.rglob("*.md"))
        wanted = set(files[::every]) | {shared / g for i in chosen for g in i.gold_sources}
        for path in sorted(wanted):
            dest = corpus / path.relative_to(shared)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        return Workspace(root, corpus, _shared_source(every, len(chosen)), len(wanted), chosen)
    count = synthetic_corpus(corpus, documents=synthetic_docs)
    return Workspace(root, corpus, "synthetic", count, _synthetic_questions(corpus, questions))


def reuse(root: Path, *, every: int, questions: int) -> Workspace:
    """The workspace an earlier :func:`prepare` with the same sizes left under ``root``."""
    corpus = root / "corpus"
    chosen = _medquad_questions(questions)
    if not corpus.is_dir() or chosen is None:
        raise SystemExit(f"no workspace of the shared data under {root}: run `make bench` first")
    return Workspace(root, corpus, _shared_source(every, len(chosen)), sum(1 for _ in corpus.rglob("*.md")), chosen)


def _shared_source(every: int, questions: int) -> str:
    return f"shared/data/corpus every {every}th + gold documents of {questions} MedQuAD-dev questions"


def _medquad_questions(count: int) -> list[EvalItem] | None:
    """The seeded sample of single-turn MedQuAD-dev questions (None without the shared data)."""
    evalset = SHARED_DATA / "evalsets" / "medquad_dev.jsonl"
    if not evalset.is_file():
        return None
    items = [i for i in load_dataset(evalset) if i.gold_sources and not i.history]
    return random.Random(52).sample(items, min(count, len(items)))


def _synthetic_questions(corpus: Path, count: int) -> list[EvalItem]:
    rng = random.Random(52)
    paths = sorted(p for p in corpus.rglob("doc*.md"))
    items = []
    for path in rng.sample(paths, min(count, len(paths))):
        body = path.read_text().split("## Section 1\n\n", 1)[1]
        question = body.split(".")[0]
        doc_id = path.relative_to(corpus).as_posix()
        items.append(EvalItem(doc_id, question, [], doc_id.split("/")[0], False, None, [doc_id]))
    return items


def latency_ms(call, inputs: list, *, warmup: int = 5) -> list[float]:  # type: ignore[no-untyped-def]
    """Wall time of ``call(x)`` for each input, in ms, after ``warmup`` untimed calls."""
    for x in inputs[:warmup]:
        call(x)
    times = []
    for x in inputs:
        t0 = time.perf_counter()
        call(x)
        times.append(1000 * (time.perf_counter() - t0))
    return times


def summary(times: list[float]) -> dict:
    out = percentiles(times)
    out["mean"] = round(statistics.fmean(times), 2) if times else None
    return out


def ratio(a: dict, b: dict) -> dict:
    """``a / b`` for p50 and p95 of two :func:`summary` results."""
    return {q: round(a[q] / b[q], 3) if a.get(q) and b.get(q) else None for q in ("p50", "p95")}
