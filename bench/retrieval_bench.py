"""Retrieval quality and latency on BEIR SciFact (train qrels) for each configuration, and the
retrieval stage's latency as a ratio to query embedding alone (the model should dominate)."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from bench.common import PROJECT, SHARED_DATA, write_result
from evals.beir import CONFIGS, evaluate_beir


def scifact_folder(tmp: Path, *, max_queries: int | None, work_name: str = "scifact") -> tuple[Path, Path]:
    """(BEIR folder, work folder): all of SciFact with a lasting work folder (its embedding cache
    makes re-runs cheap), or a small slice (or generated set) in ``tmp``."""
    folder = SHARED_DATA / "beir" / "scifact"
    if not folder.is_dir() or max_queries:
        tiny = _tiny_beir(tmp / "tiny", source=folder if folder.is_dir() else None, queries=max_queries or 20)
        return tiny, tmp / work_name
    return folder, PROJECT / "var" / "bench" / work_name


def run(max_queries: int | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder, work = scifact_folder(Path(tmp), max_queries=max_queries)
        result = evaluate_beir(folder, split="train", work=work, configs=list(CONFIGS))
    embed = result["latency_ms"]["embed"]
    default = result["latency_ms"]["fused+rerank"]
    result["retrieval_stage_vs_embed"] = {q: round((embed[q] + default[q]) / embed[q], 3) for q in ("p50", "p95")}
    result["target_retrieval_stage_vs_embed"] = 1.5
    return result


def _tiny_beir(target: Path, *, source: Path | None, queries: int) -> Path:
    """A small BEIR folder: a slice of SciFact when present (its judged documents plus others), else generated."""
    (target / "qrels").mkdir(parents=True)
    if source is not None:
        rng = random.Random(52)
        qrels = [
            line.rstrip("\n").split("\t") for line in (source / "qrels" / "train.tsv").read_text().splitlines()[1:]
        ]
        chosen = rng.sample(sorted({q for q, _, _ in qrels}), queries)
        keep = [r for r in qrels if r[0] in chosen]
        docs = {d for _, d, _ in keep}
        corpus = [json.loads(line) for line in (source / "corpus.jsonl").open()]
        extra = rng.sample([c for c in corpus if c["_id"] not in docs], 10 * queries)
        (target / "corpus.jsonl").write_text(
            "".join(json.dumps(c) + "\n" for c in corpus if c["_id"] in docs)
            + "".join(json.dumps(c) + "\n" for c in extra)
        )
        all_queries = {q["_id"]: q for q in map(json.loads, (source / "queries.jsonl").open())}
        (target / "queries.jsonl").write_text("".join(json.dumps(all_queries[q]) + "\n" for q in chosen))
        (target / "qrels" / "train.tsv").write_text(
            "query-id\tcorpus-id\tscore\n" + "".join("\t".join(r) + "\n" for r in keep)
        )
    else:
        topics = ["asthma inhalers", "security deposits", "pell grants", "sleep hours", "overtime pay"]
        (target / "corpus.jsonl").write_text(
            "".join(
                json.dumps({"_id": f"d{i}", "title": t, "text": f"This document explains {t} in detail."}) + "\n"
                for i, t in enumerate(topics)
            )
        )
        (target / "queries.jsonl").write_text(
            "".join(json.dumps({"_id": f"q{i}", "text": f"tell me about {t}"}) + "\n" for i, t in enumerate(topics))
        )
        (target / "qrels" / "train.tsv").write_text(
            "query-id\tcorpus-id\tscore\n" + "".join(f"q{i}\td{i}\t1\n" for i in range(len(topics)))
        )
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-queries", type=int, default=None, help="a small slice (smoke test)")
    args = parser.parse_args(argv)
    print(write_result("retrieval", run(args.max_queries)).read_text())


if __name__ == "__main__":
    main()
