"""Retrieval and refusal quality on the shared development sets over the union corpus
(``../shared/data/corpus`` plus the bundled ``corpus/``), per retrieval configuration.

Build the union index first (once; the embedding cache makes rebuilds cheap)::

    python -m bench.devsets_bench --build     # copies both corpora into var/bench/union-corpus, ingests
    python -m bench.devsets_bench             # writes bench/results/devsets.json
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from bench.common import PROJECT, SHARED_DATA, write_result
from evals.beir import CONFIGS
from evals.datasets import EvalItem, load_dataset
from evals.metrics import summarise
from evals.ranking import gold_document_scores

UNION_CORPUS = PROJECT / "var" / "bench" / "union-corpus"
UNION_INDEX = PROJECT / "var" / "bench" / "union-index"


def build_union() -> None:
    from ingest.runner import run_ingest
    from ragcore.settings import Settings

    if UNION_CORPUS.exists():
        shutil.rmtree(UNION_CORPUS)
    shutil.copytree(SHARED_DATA / "corpus", UNION_CORPUS)
    for path in (PROJECT / "corpus").rglob("*.md"):
        if path.name != "README.md":
            target = UNION_CORPUS / path.relative_to(PROJECT / "corpus")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.copyfile(PROJECT / "corpus" / "domains.yaml", UNION_CORPUS / "domains.yaml")
    print(run_ingest(Settings(index_dir=UNION_INDEX), UNION_CORPUS).to_dict())


def retrieval_quality(index_dir: Path, items: list[EvalItem]) -> dict:
    """recall@5 and MRR@10 of the gold document, per configuration, on the items' standalone questions."""
    from ragcore.embedding import SentenceTransformerEmbedder
    from ragcore.index_store import IndexStore
    from ragcore.loaded_index import load_version
    from ragcore.retrieval import HybridRetriever
    from ragcore.settings import RetrievalSettings

    index = load_version(IndexStore(index_dir))
    embedder = SentenceTransformerEmbedder()
    retrievers = {n: HybridRetriever(index, RetrievalSettings(**c)) for n, c in CONFIGS.items()}  # type: ignore[arg-type]
    return gold_document_scores(retrievers, items, embedder)


def answer_quality(index_dir: Path, items: list[EvalItem]) -> dict:
    """The whole pipeline (history replayed): refusals, gold sources among citations, latency."""
    from evals.runner import run_items
    from evals.targets import InProcessTarget
    from ragcore.conversations import SQLiteConversationStore
    from ragcore.pipeline import build_pipeline
    from ragcore.settings import Settings

    pipeline = build_pipeline(Settings(index_dir=index_dir), conversations=SQLiteConversationStore(":memory:"))
    return summarise(run_items(InProcessTarget(pipeline), items))


def sample(items: list[EvalItem], limit: int | None) -> list[EvalItem]:
    if limit is None or len(items) <= limit:
        return items
    return random.Random(52).sample(items, limit)


def run(limit: int | None = None) -> dict:
    evalsets = SHARED_DATA / "evalsets"
    dev = load_dataset(PROJECT / "evals" / "datasets" / "dev.jsonl")
    medquad = sample(load_dataset(evalsets / "medquad_dev.jsonl"), limit)
    pubmedqa = sample(load_dataset(evalsets / "pubmedqa_dev.jsonl"), limit)
    law_education = [i for i in dev if i.domain in ("law", "education") and not i.should_refuse and not i.history]
    followups = sample(load_dataset(evalsets / "followup_dev.jsonl"), limit)
    single_turn = [
        EvalItem(i.id, i.question, [], i.domain, False, None, i.gold_sources, i.gold_sections) for i in followups
    ]
    return {
        "index": str(UNION_INDEX),
        "limit_per_set": limit,
        "retrieval": {
            "medquad_dev": retrieval_quality(UNION_INDEX, medquad),
            "pubmedqa_dev": retrieval_quality(UNION_INDEX, pubmedqa),
            "dev_law_education": retrieval_quality(UNION_INDEX, law_education),
        },
        "answers": {
            "oos_dev": answer_quality(UNION_INDEX, sample(load_dataset(evalsets / "oos_dev.jsonl"), limit)),
            "medquad_dev": answer_quality(UNION_INDEX, medquad),
            "dev": answer_quality(UNION_INDEX, dev),
            "followup_dev": answer_quality(UNION_INDEX, followups),
            "followup_dev_without_history": answer_quality(UNION_INDEX, single_turn),
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true", help="(re)build the union corpus and index, then stop")
    parser.add_argument("--limit", type=int, default=None, help="at most N items per set (seeded sample)")
    args = parser.parse_args(argv)
    if args.build:
        build_union()
        return
    print(write_result("devsets", run(args.limit)).read_text())


if __name__ == "__main__":
    main()
