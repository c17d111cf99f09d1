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
