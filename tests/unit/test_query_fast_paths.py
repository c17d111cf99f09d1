"""The query path's precomputed and cached shortcuts give exactly what the plain computations give."""

from __future__ import annotations

import re

import bm25s
import numpy as np
import pytest
from threadpoolctl import threadpool_info

from ragcore.blas_threads import limit_blas_threads
from ragcore.bm25_index import _STEMMER, BM25Index, _query_tokens
from ragcore.catalog import Catalog
from ragcore.domains import EmergencyRule, _fold, load_domains
from ragcore.index_store import IndexStore
from tests.conftest import CORPUS


def _brute_force_sentences(catalog: Catalog, row: int) -> list[tuple[int, int, int]]:
    """Every sentence row of the chunk's document whose span lies inside the chunk, straight from SQLite."""
    chunk = catalog.chunk(row)
    rows = catalog._db().execute(
        "SELECT row, start, end FROM sentences WHERE doc_id = ? AND start >= ? AND end <= ? ORDER BY start, row",
        (chunk.doc_id, chunk.start, chunk.end),
    )
    return [tuple(r) for r in rows]


def test_sentences_in_matches_sqlite_for_every_chunk_including_the_first_lookup(bundled_index):
    catalog = Catalog(IndexStore(bundled_index).require_current() / "catalog.sqlite")
    for row in range(catalog.chunk_count):  # row 0 first: the lookup that loads every document's sentences
        chunk = catalog.chunk(row)
        found = catalog.sentences_in(chunk)
        assert [(s.row, s.start, s.end) for s in found] == _brute_force_sentences(catalog, row)
        assert all(
            s.doc_id == chunk.doc_id and s.text == chunk.text[s.start - chunk.start : s.end - chunk.start]
            for s in found
        )
    assert catalog.sentences_in(catalog.chunk(0)) == catalog.sentences_in(catalog.chunk(0))  # cached: same again


def test_query_tokens_equal_bm25s_tokenize_on_the_bundled_corpus(bundled_index):
    catalog = Catalog(IndexStore(bundled_index).require_current() / "catalog.sqlite")
    texts = [catalog.chunk(r).text for r in range(catalog.chunk_count)]
    texts += ["What's the A1C cut-off for diabetes?", "Ünïcödé naïve café, 2 x 10mg", "", "the and of"]
    expected = bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)
    assert [list(_query_tokens(t)) for t in texts] == expected
    index = BM25Index.build(texts[:50])
    assert index.terms(texts[3]) == set(expected[3])


def test_one_compiled_emergency_pattern_matches_exactly_when_one_phrase_does():
    def per_phrase(rule: EmergencyRule, text: str) -> bool:  # the rule as it was: one search per phrase
        return any(re.search(rf"(?<!\w){re.escape(_fold(p))}(?!\w)", _fold(text)) for p in rule.phrases)

    domains = load_domains(CORPUS / "domains.yaml")
    rules = [r for d in domains.domains.values() for r in d.emergency]
    phrases = [p for r in rules for p in r.phrases]
    texts = phrases + [f"help, {p.upper()}!" for p in phrases] + [f"x{p}y" for p in phrases]
    texts += ["I want to kill myself", "my friend overdosed", "How do I apply for a Pell Grant?", "skill myselfish"]
    matched = 0
    for rule in rules:
        for text in texts:
            assert rule.matches(text) == per_phrase(rule, text), (rule.phrases, text)
            matched += rule.matches(text)
    assert matched >= len(phrases)  # each phrase matches at least itself
    assert not EmergencyRule((), "notice").matches("anything")


def test_limit_blas_threads_caps_numpys_blas_and_zero_leaves_it():
    before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    if not before:
        pytest.skip("no BLAS library reported by threadpoolctl")
    try:
        limit_blas_threads(0)
        assert [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"] == before
        limit_blas_threads(1)
        assert {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"} == {1}
        a = np.arange(12, dtype=np.float32).reshape(3, 4)
        assert (a @ np.ones(4, dtype=np.float32)).tolist() == [6.0, 22.0, 38.0]
    finally:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=max(before), user_api="blas")


def test_diversify_without_penalty_picks_what_the_penalised_scan_picks_at_weight_zero():
    from ragcore.catalog import ChunkRecord
    from ragcore.retrieval import ScoredChunk, diversify

    def reference(chunks, vectors, k, duplicate_similarity):  # the scan as written for any weight, at 0
        kept: list[int] = []
        remaining = list(range(len(chunks)))
        sims = vectors @ vectors.T
        while remaining and len(kept) < k:
            best = max(
                remaining, key=lambda i: chunks[i].score - 0.0 * max((float(sims[i, j]) for j in kept), default=0.0)
            )
            remaining.remove(best)
            r = chunks[best].record
            if any(
                chunks[j].record.doc_id == r.doc_id
                and chunks[j].record.start < r.end
                and r.start < chunks[j].record.end
                for j in kept
            ):
                continue
            if any(sims[best, j] >= duplicate_similarity for j in kept):
                continue
            kept.append(best)
        return [chunks[i] for i in kept]

    rng = np.random.default_rng(52)
    for _ in range(200):
        n = int(rng.integers(1, 25))
        vectors = rng.normal(size=(n, 8)).astype(np.float32)
        vectors[rng.integers(0, n, size=n // 3)] = vectors[0]  # exact duplicates
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        scores = np.round(rng.random(n), 1)  # ties
        chunks = [
            ScoredChunk(
                ChunkRecord(i, f"c{i}", f"d{i % 3}", "law", "t", s, s + 50, (), ""),
                float(scores[i]),
                0.0,
                None,
                0.0,
                [],
            )
            for i, s in enumerate(rng.integers(0, 200, size=n).tolist())
        ]
        got = diversify(chunks, vectors, k=5, duplicate_similarity=0.95, mmr_weight=0.0)
        assert [c.record.row for c in got] == [c.record.row for c in reference(chunks, vectors, 5, 0.95)]
