"""Chunk and sentence vectors for a new version.

With an embedder that can pool spans (the real model), each chunk is encoded once and every
sentence inside it takes the mean of its contextual token vectors from that same pass, so
sentence vectors cost no extra model call; a sentence that lies in no chunk (or was truncated
away) is encoded on its own. ``mode="separate"`` encodes every sentence on its own instead.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable

import numpy as np

from ragcore.chunking import Chunk
from ragcore.documents import Span
from ragcore.embedding import SpanEmbedder
from ragcore.embedding_cache import CachingEmbedder, Submit

log = logging.getLogger(__name__)
ProgressFactory = Callable[[int, str], object]
_BATCH = 256


def embed_version(
    cache: CachingEmbedder,
    chunks: list[Chunk],
    titles: dict[str, str],
    sentences: list[tuple[str, Span]],
    texts: dict[str, str],
    *,
    mode: str,
    progress: ProgressFactory | None,
    after_batch: Callable[[], None] | None = None,
    submit: Submit | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(chunk vectors, sentence vectors)`` in the order of ``chunks`` and ``sentences``;
    ``after_batch`` runs after each batch of chunks is embedded (and cached). With ``submit`` (a
    one-thread pool on a spare core), sentences that lie in no chunk are encoded beside the chunks."""
    chunk_texts = [c.embedding_text(titles[c.doc_id]) for c in chunks]
    sentence_vectors = np.full((len(sentences), cache.dim), np.nan, dtype=np.float32)

    def sentence_texts(rows: list[int]) -> list[str]:
        return [texts[sentences[j][0]][sentences[j][1].start : sentences[j][1].end] for j in rows]

    if mode == "pooled" and isinstance(cache.inner, SpanEmbedder):
        members = _sentences_per_chunk(chunks, sentences)
        in_no_chunk = sorted(set(range(len(sentences))).difference(j for rows in members for j in rows))
        in_no_chunk_vectors = cache.start_embedding(sentence_texts(in_no_chunk), submit)
        spans = [[_relative(chunk_texts[i], c, sentences[j][1]) for j in members[i]] for i, c in enumerate(chunks)]
        bar = _bar(progress, len(chunks), "embedding chunks")
        chunk_vectors = np.zeros((len(chunks), cache.dim), np.float32)
        pooled_from = np.full(len(sentences), len(chunks))  # a sentence in two chunks takes the first's vector
        order = sorted(range(len(chunks)), key=lambda i: len(chunk_texts[i]))  # like lengths pad least
        for b in range(0, len(order), _BATCH):
            rows = order[b : b + _BATCH]
            vectors, span_vectors = cache.embed_with_spans([chunk_texts[i] for i in rows], [spans[i] for i in rows])
            chunk_vectors[rows] = vectors
            for i, pooled in zip(rows, span_vectors):
                for j, vector in zip(members[i], pooled):
                    if vector is not None and i < pooled_from[j]:
                        sentence_vectors[j], pooled_from[j] = vector, i
            _advance(bar, len(rows))
            if after_batch is not None:
                after_batch()
        _close(bar)
        if in_no_chunk:
            sentence_vectors[in_no_chunk] = in_no_chunk_vectors()
        alone = len(in_no_chunk)
    else:
        alone = 0
        chunk_vectors = _embed_texts(cache, chunk_texts, progress, "chunks")
    missing = [j for j in range(len(sentences)) if np.isnan(sentence_vectors[j, 0])]  # truncated away, or all
    if missing:
        sentence_vectors[missing] = _embed_texts(cache, sentence_texts(missing), progress, "sentences")
    alone += len(missing)
    log.info("embedded %d chunks and %d sentences (%d encoded on their own)", len(chunks), len(sentences), alone)
    return chunk_vectors, sentence_vectors


def _sentences_per_chunk(chunks: list[Chunk], sentences: list[tuple[str, Span]]) -> list[list[int]]:
    by_doc: dict[str, list[tuple[int, int, int]]] = {}
    for j, (doc_id, span) in enumerate(sentences):
        by_doc.setdefault(doc_id, []).append((span.start, span.end, j))
    starts = {doc_id: [s for s, _, _ in rows] for doc_id, rows in by_doc.items()}
    members = []
    for chunk in chunks:
        rows = by_doc.get(chunk.doc_id, [])
        first = bisect.bisect_left(starts.get(chunk.doc_id, []), chunk.start)
        members.append([j for s, e, j in rows[first:] if s < chunk.end and e <= chunk.end])
    return members


def _relative(embedding_text: str, chunk: Chunk, span: Span) -> tuple[int, int]:
    prefix = len(embedding_text) - len(chunk.text)
    return prefix + span.start - chunk.start, prefix + span.end - chunk.start


def _embed_texts(cache: CachingEmbedder, texts: list[str], progress: ProgressFactory | None, what: str) -> np.ndarray:
    bar = _bar(progress, len(texts), f"embedding {what}")
    parts = []
    for b in range(0, len(texts), _BATCH):
        parts.append(cache.embed_documents(texts[b : b + _BATCH]))
        _advance(bar, min(_BATCH, len(texts) - b))
    _close(bar)
    return np.vstack(parts) if parts else np.zeros((0, cache.dim), dtype=np.float32)


def _bar(progress: ProgressFactory | None, total: int, description: str) -> object | None:
    return progress(total, description) if progress and total else None


def _advance(bar: object | None, n: int) -> None:
    if bar is not None:
        bar.update(n)  # type: ignore[attr-defined]


def _close(bar: object | None) -> None:
    if bar is not None:
        bar.close()  # type: ignore[attr-defined]
