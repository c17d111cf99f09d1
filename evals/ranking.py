"""Ranking metrics with the definitions of BEIR / pytrec_eval (trec_eval).

- nDCG@k: graded relevance as linear gain, discount ``1 / log2(rank + 1)``; the ideal ranking
  sorts all judged documents by relevance; judged-irrelevant (0) documents add nothing.
- recall@k: relevant (relevance > 0) documents in the top k over all relevant documents.
- MRR@k: reciprocal rank of the first relevant document within the top k, else 0.
"""

from __future__ import annotations

import math


def ndcg_at_k(ranking: list[str], qrels: dict[str, int], k: int) -> float:
    dcg = sum(qrels.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranking[:k]))
    ideal = sorted((r for r in qrels.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(rank + 2) for rank, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranking: list[str], qrels: dict[str, int], k: int) -> float:
    relevant = {d for d, r in qrels.items() if r > 0}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def mrr_at_k(ranking: list[str], qrels: dict[str, int], k: int) -> float:
    for rank, doc in enumerate(ranking[:k], start=1):
        if qrels.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def documents_in_order(chunk_doc_ids: list[str]) -> list[str]:
    """A document ranking from a chunk ranking: each document at its best chunk's rank."""
    return list(dict.fromkeys(chunk_doc_ids))


def gold_document_scores(retrievers: dict, items: list, embedder) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """recall@5 and MRR@10 of each item's gold documents, per named retriever; each question is
    embedded once for all of them."""
    import statistics

    scores: dict[str, dict[str, list[float]]] = {n: {"recall@5": [], "mrr@10": []} for n in retrievers}
    for item in items:
        vector = embedder.embed_query(item.question)
        qrels = dict.fromkeys(item.gold_sources, 1)
        for name, retriever in retrievers.items():
            ranking = documents_in_order([h.record.doc_id for h in retriever.retrieve(item.question, vector, k=10)])
            scores[name]["recall@5"].append(recall_at_k(ranking, qrels, 5))
            scores[name]["mrr@10"].append(mrr_at_k(ranking, qrels, 10))
    return {n: {m: round(statistics.fmean(v), 4) for m, v in s.items()} for n, s in scores.items()}
