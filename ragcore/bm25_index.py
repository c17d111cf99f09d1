"""The ``LexicalIndex`` seam and its BM25 implementation (bm25s, English stemming and stop words)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN


class LexicalIndex(Protocol):
    """Keyword search over the same rows as the vector index.

    Contract: ``search(query, k)`` returns ``(scores, rows)`` best first, only rows that share at
    least one term with the query; ``save`` then ``load`` gives the same answers.
    """

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def save(self, path: Path) -> None: ...


_STEMMER = Stemmer.Stemmer("english")


def _tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)


# ``bm25s.tokenize`` without its per-call set-up (stop-word set, progress bars, id mapping): the same
# pattern, lower-casing, stop words and stemmer, so the same tokens (a unit test compares them).
_SPLIT = re.compile(r"(?u)\b\w\w+\b").findall
_STOPWORDS = frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1024)
def _query_tokens(text: str) -> tuple[str, ...]:
    """One text's tokens, as :func:`_tokenize` gives them; cached (a query is tokenised for search
    and again for the scope features)."""
    return tuple(_STEMMER.stemWords([t for t in _SPLIT(text.lower()) if t not in _STOPWORDS]))


class BM25Index:
    """BM25 over chunk texts, rows numbered like the vector index."""

    kind = "bm25s-en-stem"

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self._size = size

    @classmethod
    def build(cls, texts: list[str]) -> BM25Index:
        retriever = bm25s.BM25()
        tokens = _tokenize(texts) if texts else []
        retriever.index(tokens or [["\x00"]], show_progress=False)
        return cls(retriever, len(texts))

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        vocab = self._retriever.vocab_dict
        known = [t for t in _query_tokens(query) if t in vocab]
        if not known or self._size == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        k = min(k, self._size)
        # n_threads=0: in this thread (1 starts a thread pool per query, ~1.5 ms on busy cores)
        rows, scores = self._retriever.retrieve([known], k=k, show_progress=False, n_threads=0)
        keep = scores[0] > 0
        return scores[0][keep].astype(np.float32), rows[0][keep].astype(np.int64)

    def terms(self, text: str) -> set[str]:
        """The stemmed, stop-word-free terms of ``text`` as this index sees them."""
        return set(_query_tokens(text))

    def known_fraction(self, terms: set[str]) -> float:
        """Share of ``terms`` that occur anywhere in the indexed corpus."""
        return sum(t in self._retriever.vocab_dict for t in terms) / len(terms) if terms else 1.0

    def save(self, path: Path) -> None:
        self._retriever.save(str(path), show_progress=False)
        (path / "size.txt").write_text(str(self._size))

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        retriever = bm25s.BM25.load(str(path), show_progress=False)
        return cls(retriever, int((path / "size.txt").read_text()))
