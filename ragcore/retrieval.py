"""Hybrid retrieval: dense (FAISS) + BM25, fused by weighted reciprocal rank, then reranked
with the query's similarity to each candidate chunk and to its best stored sentence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ragcore.catalog import ChunkRecord, SentenceRecord
from ragcore.law_names import Law, named_laws
from ragcore.loaded_index import LoadedIndex
from ragcore.settings import RetrievalSettings


@dataclass
class ScoredSentence:
    record: SentenceRecord
    similarity: float


@dataclass
class ScoredChunk:
    record: ChunkRecord
    score: float
    dense: float
    lexical_rank: int | None
    best_sentence: float
    sentences: list[ScoredSentence]
    cited: bool = False  # its document is a provision the query names by citation
    other_law: bool = False  # a section of a law other than the one the query names ("under the ADA")

    def without_sentences(self, dropped: Callable[[SentenceRecord], bool]) -> ScoredChunk:
        """This chunk with the sentences ``dropped`` selects taken out of its evidence (itself when
        none is)."""
        kept = [s for s in self.sentences if not dropped(s.record)]
        return replace(self, sentences=kept) if len(kept) < len(self.sentences) else self


def fuse_ranks(rankings: list[list[int]], weights: list[float], k: int) -> dict[int, float]:
    """Weighted reciprocal rank fusion: ``sum(w / (k + rank))`` over the rankings (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def rerank_score(
    fused_norm: float, dense: float, best_sentence: float, sentence_weight: float, fusion_weight: float
) -> float:
    """Similarity to the chunk and its best sentence, plus the (max-normalised) fused rank score."""
    similarity = (1.0 - sentence_weight) * dense + sentence_weight * best_sentence
    return similarity + fusion_weight * fused_norm


class HybridRetriever:
    """Finds the chunks that best answer a query within one loaded index version."""

    def __init__(self, index: LoadedIndex, settings: RetrievalSettings) -> None:
        self.index = index
        self.settings = settings

    def retrieve(
        self,
        query: str,
        query_vector: np.ndarray,
        *,
        k: int | None = None,
        domain: str | None = None,
        rerank_pool: int | None = None,
    ) -> list[ScoredChunk]:
        s = self.settings
        k = k or s.k
        rankings, weights = self._rankings(query, query_vector, domain)
        fused = fuse_ranks(rankings, weights, s.rrf_k)
        top = sorted(fused, key=fused.__getitem__, reverse=True)[: max(k, rerank_pool or s.rerank_pool)]
        cited = self._cited_rows(query, domain)
        laws = named_laws(query) if s.other_law_penalty else []
        top += sorted(cited - set(top))
        if not top:
            return []
        best_fused = fused.get(top[0], 0.0) or 1.0  # the best fused row leads; or only cited rows, unfused
        lexical_rank = {row: i + 1 for i, row in enumerate(rankings[-1])} if s.mode != "dense" else {}
        dense_sims = self.index.chunk_vectors[top] @ query_vector
        records = [self.index.catalog.chunk(row) for row in top]
        # sentence similarities feed the score; otherwise only the kept chunks need them
        sentences = self._score_sentences(records, query_vector) if s.rerank else [[] for _ in records]
        scored = []
        for row, record, dense, chunk_sentences in zip(top, records, dense_sims, sentences):
            fused_norm = fused.get(row, 0.0) / best_fused
            chunk = ScoredChunk(record, fused_norm, float(dense), lexical_rank.get(row), float(dense), chunk_sentences)
            if s.rerank:
                chunk.best_sentence = max((x.similarity for x in chunk_sentences), default=chunk.dense)
                chunk.score = rerank_score(
                    chunk.score, chunk.dense, chunk.best_sentence, s.rerank_sentence_weight, s.rerank_fusion_weight
                )
            if row in cited:
                chunk.cited = True
                chunk.score += s.citation_bonus
            if laws and self._of_another_law(record.doc_id, laws):
                chunk.other_law = True
                chunk.score -= s.other_law_penalty
            scored.append(chunk)
        scored.sort(key=lambda c: c.score, reverse=True)
        vectors = np.asarray(self.index.chunk_vectors[[c.record.row for c in scored]])
        kept = diversify(scored, vectors, k=k, duplicate_similarity=s.duplicate_similarity, mmr_weight=s.mmr_weight)
        if not s.rerank:
            for chunk, chunk_sentences in zip(kept, self._score_sentences([c.record for c in kept], query_vector)):
                chunk.sentences = chunk_sentences
                chunk.best_sentence = max((x.similarity for x in chunk_sentences), default=chunk.dense)
        return kept

    def _cited_rows(self, query: str, domain: str | None) -> set[int]:
        """Chunk rows of the documents the query names by citation ("45 CFR 164.508"): similarity
        barely sees a section number, so they join the candidates whatever their rank."""
        if not self.settings.citation_bonus:
            return set()
        doc_ids = self.index.cited.cited_by(query)
        rows = {row for doc_id in doc_ids for row in self.index.catalog.rows_of(doc_id)}
        if domain:
            rows = {row for row in rows if self.index.chunk_domains[row] == domain}
        return rows

    def _of_another_law(self, doc_id: str, laws: list[Law]) -> bool:
        """Whether a document is a section of some law other than the ones the query names (pages
        that are not sections — guides, overviews — are of no law)."""
        key = self.index.cited.key_of(doc_id)
        return key is not None and not any(law.holds(key) for law in laws)

    def _rankings(
        self, query: str, query_vector: np.ndarray, domain: str | None
    ) -> tuple[list[list[int]], list[float]]:
        """The dense and/or BM25 rankings (rows, best first) that fusion combines."""
        s = self.settings
        rankings: list[list[int]] = []
        weights: list[float] = []
        if s.mode in ("hybrid", "dense"):
            _, rows = self.index.vectors.search(query_vector, s.candidate_pool)
            rankings.append([int(r) for r in rows[0] if r >= 0])
            weights.append(s.dense_weight)
        if s.mode in ("hybrid", "lexical"):
            _, rows = self.index.lexical.search(query, s.candidate_pool)
            rankings.append([int(r) for r in rows])
            weights.append(s.lexical_weight)
        if domain:
            domains = self.index.chunk_domains
            rankings = [[r for r in ranking if domains[r] == domain] for ranking in rankings]
        return rankings, weights

    def _score_sentences(self, records: list[ChunkRecord], query_vector: np.ndarray) -> list[list[ScoredSentence]]:
        """Each chunk's stored sentences with their similarity to the query: one product for all
        the chunks (per-chunk products cost more in indexing than in arithmetic)."""
        per_chunk = [self.index.catalog.sentences_in(record) for record in records]
        rows = [x.row for sentences in per_chunk for x in sentences]
        sims = (self.index.sentence_vectors[rows] @ query_vector).tolist() if rows else []
        scored: list[list[ScoredSentence]] = []
        at = 0
        for sentences in per_chunk:
            scored.append([ScoredSentence(x, sim) for x, sim in zip(sentences, sims[at : at + len(sentences)])])
            at += len(sentences)
        return scored


def diversify(
    chunks: list[ScoredChunk], vectors: np.ndarray, *, k: int, duplicate_similarity: float, mmr_weight: float
) -> list[ScoredChunk]:
    """Pick ``k`` chunks best first, skipping overlaps and near-duplicates.

    A chunk is dropped when it overlaps a kept chunk of the same document (splitter overlap) or its
    vector is at least ``duplicate_similarity`` to a kept one (the same paragraph in two documents).
    With ``mmr_weight > 0`` the next pick maximises ``score - mmr_weight * max similarity to kept``
    (maximal marginal relevance); ``vectors`` are the chunks' unit vectors, in ``chunks`` order.
    """
    kept: list[int] = []
    remaining = list(range(len(chunks)))
    sims = vectors @ vectors.T if len(chunks) else np.zeros((0, 0))
    while remaining and len(kept) < k:

        def value(i: int) -> float:
            redundancy = max((float(sims[i, j]) for j in kept), default=0.0)
            return chunks[i].score - mmr_weight * redundancy

        # without the penalty (the default) a value is the score itself: skip the similarity scan
        best = max(remaining, key=value if mmr_weight else lambda i: chunks[i].score)
        remaining.remove(best)
        r = chunks[best].record
        overlaps = any(
            chunks[j].record.doc_id == r.doc_id and chunks[j].record.start < r.end and r.start < chunks[j].record.end
            for j in kept
        )
        if overlaps or any(sims[best, j] >= duplicate_similarity for j in kept):
            continue
        kept.append(best)
    return [chunks[i] for i in kept]
