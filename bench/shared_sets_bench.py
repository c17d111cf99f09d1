"""The project's question sets over the shared corpus — statutes and regulations
(``statutes_dev.jsonl``) and consumer health messages (``consumer_health_dev.jsonl``): does the
right document come back in the top 5, for Docent and for the usual LangChain pipeline?

Both rank documents the same way — the documents of the first 5 chunks, and the first 5 documents
of the first 10 chunks — so the figures differ only by the pipelines. Per question style (statutes:
a citation, the law's popular name, plain words; consumer health: long with context, short, lay words).

    docent ingest ../shared/data/corpus --index var/bench/shared-index    # once (about 3 minutes)
    python -m bench.shared_sets_bench                                     # LangChain's FAISS built once, ~15 min

Writes ``bench/results/shared_sets.json``.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from bench.common import PROJECT, SHARED_DATA, write_result
from bench.peer_bench import build_peer_store, peer_embeddings
from evals.datasets import load_dataset
from evals.ranking import documents_in_order, recall_at_k

SETS = [PROJECT / "evals" / "datasets" / name for name in ("statutes_dev.jsonl", "consumer_health_dev.jsonl")]
DOCENT_INDEX = PROJECT / "var" / "bench" / "shared-index"
PEER_INDEX = PROJECT / "var" / "bench" / "shared-langchain-faiss"


def recall_by_style(questions: Path, search: Callable[[str, int], list[str]]) -> dict[str, dict[str, float]]:
    """recall@5 of the gold document per question style, from 5 and from 10 retrieved chunks."""
    styles = {raw["id"]: raw["style"] for raw in map(json.loads, questions.read_text().splitlines())}
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item in load_dataset(questions):
        chunks = search(item.question, 10)
        for k in (5, 10):
            hit = recall_at_k(documents_in_order(chunks[:k]), dict.fromkeys(item.gold_sources, 1), 5)
            for group in (styles[item.id], "all"):
                scores[group][f"recall@5_of_{k}_chunks"].append(hit)
    return {g: {m: round(sum(v) / len(v), 3) for m, v in by.items()} for g, by in scores.items()}


def docent_search(index_dir: Path) -> Callable[[str, int], list[str]]:
    from ragcore.conversations import SQLiteConversationStore
    from ragcore.pipeline import build_pipeline
    from ragcore.settings import Settings

    pipeline = build_pipeline(Settings(index_dir=index_dir), conversations=SQLiteConversationStore(":memory:"))
    return lambda question, k: [hit.record.doc_id for hit in pipeline.search(question, k=k)]


def peer_search(corpus: Path, store_dir: Path) -> Callable[[str, int], list[str]]:
    """The peer of ``bench.peer_bench`` over the whole ``corpus``, its FAISS store kept in ``store_dir``."""
    from langchain_community.vectorstores import FAISS

    embeddings = peer_embeddings()
    if store_dir.exists():
        store = FAISS.load_local(str(store_dir), embeddings, allow_dangerous_deserialization=True)
    else:
        store, _, _ = build_peer_store(corpus, embeddings)
        store.save_local(str(store_dir))
    prefix = str(corpus) + "/"
    return lambda question, k: [
        d.metadata["source"].removeprefix(prefix) for d in store.similarity_search(question, k=k)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=DOCENT_INDEX, help="Docent index over the corpus")
    parser.add_argument("--corpus", type=Path, default=SHARED_DATA / "corpus", help="the corpus both search")
    parser.add_argument("--peer-store", type=Path, default=PEER_INDEX, help="where LangChain's FAISS is kept")
    args = parser.parse_args(argv)
    docent, peer = docent_search(args.index), peer_search(args.corpus.resolve(), args.peer_store)
    result: dict = {"corpus": str(args.corpus)}
    for questions in SETS:
        result[questions.stem] = {
            "docent": recall_by_style(questions, docent),
            "langchain": recall_by_style(questions, peer),
        }
    print(write_result("shared_sets", result).read_text())


if __name__ == "__main__":
    main()
