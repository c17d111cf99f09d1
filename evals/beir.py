"""``docent eval beir DIR``: retrieval quality on a BEIR folder through the production retriever.

The corpus is written as Markdown documents (``beir/<id>.md``) and ingested with the normal
ingest into ``<work>/index`` (the embedding cache there makes re-runs cheap); every query then
runs through :class:`~ragcore.retrieval.HybridRetriever`, and chunk rankings become document
rankings at each document's best chunk.
"""

from __future__ import annotations

import csv
import json
import statistics
import time
from pathlib import Path

from evals.metrics import percentiles
from evals.ranking import documents_in_order, mrr_at_k, ndcg_at_k, recall_at_k
from ragcore.settings import RetrievalSettings, Settings

CONFIGS = {
    "dense": {"mode": "dense", "rerank": False},
    "bm25": {"mode": "lexical", "rerank": False},
    "fused": {"mode": "hybrid", "rerank": False},
    "fused+rerank": {"mode": "hybrid", "rerank": True},
}


def read_beir(folder: Path, split: str) -> tuple[list[dict], dict[str, str], dict[str, dict[str, int]]]:
    corpus = [json.loads(line) for line in (folder / "corpus.jsonl").open(encoding="utf-8") if line.strip()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (folder / "queries.jsonl").open(encoding="utf-8"))}
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    return corpus, {q: queries[q] for q in qrels if q in queries}, qrels


def write_markdown_corpus(corpus: list[dict], root: Path) -> None:
    folder = root / "beir"
    folder.mkdir(parents=True, exist_ok=True)
    for doc in corpus:
        title = (doc.get("title") or "").strip() or f"Document {doc['_id']}"
        body = f"---\ntitle: {json.dumps(title)}\ndomain: beir\n---\n\n# {title}\n\n{doc.get('text', '').strip()}\n"
        path = folder / f"{doc['_id']}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != body:
            path.write_text(body, encoding="utf-8")


def evaluate_beir(folder: Path, *, split: str, work: Path, configs: list[str], embedder=None) -> dict:  # type: ignore[no-untyped-def]
    from ingest.runner import run_ingest
    from ragcore.embedding import SentenceTransformerEmbedder
    from ragcore.index_store import IndexStore
    from ragcore.loaded_index import load_version
    from ragcore.retrieval import HybridRetriever

    started = time.perf_counter()
    corpus, queries, qrels = read_beir(folder, split)
    write_markdown_corpus(corpus, work / "corpus")
    settings = Settings(index_dir=work / "index")
    embedder = embedder or SentenceTransformerEmbedder()
    run_ingest(settings, work / "corpus", embedder=embedder)
    index = load_version(IndexStore(settings.index_dir))
    retrievers = {
        name: HybridRetriever(index, RetrievalSettings(candidate_pool=200, **CONFIGS[name]))  # type: ignore[arg-type]
        for name in configs
    }
    scores: dict[str, dict[str, list[float]]] = {
        n: {"ndcg@10": [], "recall@10": [], "recall@100": [], "mrr@10": []} for n in configs
    }
    production = HybridRetriever(index, RetrievalSettings())  # what /v1/chat runs: k=5, default pools
    timings: dict[str, list[float]] = {"embed": [], "production_retrieve": []} | {n: [] for n in configs}
    for query_id, text in queries.items():
        t0 = time.perf_counter()
        vector = embedder.embed_query(text)
        timings["embed"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        production.retrieve(text, vector)
        timings["production_retrieve"].append(time.perf_counter() - t0)
        for name, retriever in retrievers.items():
            t0 = time.perf_counter()
            hits = retriever.retrieve(text, vector, k=100, rerank_pool=100)
            timings[name].append(time.perf_counter() - t0)
            ranking = documents_in_order([h.record.doc_id.removeprefix("beir/").removesuffix(".md") for h in hits])
            got = qrels[query_id]
            scores[name]["ndcg@10"].append(ndcg_at_k(ranking, got, 10))
            scores[name]["recall@10"].append(recall_at_k(ranking, got, 10))
            scores[name]["recall@100"].append(recall_at_k(ranking, got, 100))
            scores[name]["mrr@10"].append(mrr_at_k(ranking, got, 10))
    return {
        "dataset": folder.name,
        "split": split,
        "queries": len(queries),
        "documents": len(corpus),
        "configs": {n: {m: round(statistics.fmean(v), 4) for m, v in s.items()} for n, s in scores.items()},
        "latency_ms": {n: percentiles([1000 * x for x in v]) for n, v in timings.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }
