"""Stored embeddings keyed by (model id, sha256 of text), so unchanged text is never embedded twice."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from ragcore.documents import text_hash
from ragcore.embedding import Embedder, SpanEmbedder

Submit = Callable[..., Future]  # ThreadPoolExecutor.submit or the like


class CachingEmbedder:
    """Wraps an :class:`Embedder`; ``embed_documents`` embeds only texts it has not seen.

    ``embedded_count`` counts texts that really went through the model, which is how operators
    (and tests) see that a re-ingest of an unchanged corpus embeds nothing.
    """

    def __init__(self, inner: Embedder, cache_path: Path) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.embedded_count = 0
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(cache_path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model_id TEXT NOT NULL, text_sha256 TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model_id, text_sha256))"
        )

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self.start_embedding(texts)()

    def start_embedding(self, texts: list[str], submit: Submit | None = None) -> PendingVectors:
        """Look ``texts`` up now and start embedding those not cached: through ``submit`` (a thread
        pool's, so the model works on another core meanwhile) or at once."""
        hashes = [text_hash(t) for t in texts]
        found = self._lookup(set(hashes))
        missing = list(dict.fromkeys(h for h in hashes if h not in found))
        first_text = dict(zip(hashes, texts))
        run = submit or run_now
        pending = run(self.inner.embed_documents, [first_text[h] for h in missing]) if missing else None
        return PendingVectors(self, hashes, found, missing, pending)

    def embed_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """Like ``inner.embed_with_spans``, cached per (text, spans); a span without tokens is ``None``."""
        keys = [text_hash(t + "\x00" + json.dumps(s)) for t, s in zip(texts, spans)]
        found = self._lookup(set(keys), model_id=self.model_id + "+spans")
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            inner = self.inner
            if not isinstance(inner, SpanEmbedder):
                raise TypeError(f"{type(inner).__name__} cannot pool spans")
            vectors, span_vectors = inner.embed_with_spans([texts[i] for i in missing], [spans[i] for i in missing])
            self.embedded_count += len(missing)
            fresh = {}
            for row, i in enumerate(missing):
                blocks = [vectors[row]] + [
                    v if v is not None else np.full(self.dim, np.nan, np.float32) for v in span_vectors[row]
                ]
                fresh[keys[i]] = np.concatenate(blocks).astype(np.float32)
            self._store(fresh, model_id=self.model_id + "+spans")
            found.update(fresh)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        out_spans: list[list[np.ndarray | None]] = []
        for i, key in enumerate(keys):
            blob = found[key].reshape(-1, self.dim)
            out[i] = blob[0]
            out_spans.append([None if np.isnan(v[0]) else v for v in blob[1:]])
        return out, out_spans

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        self._db.close()

    def _lookup(self, hashes: set[str], *, model_id: str | None = None) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        keys = list(hashes)
        for i in range(0, len(keys), 500):
            batch = keys[i : i + 500]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT text_sha256, vector FROM embeddings WHERE model_id = ? AND text_sha256 IN ({marks})",
                [model_id or self.model_id, *batch],
            )
            for h, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _store(self, vectors: dict[str, np.ndarray], *, model_id: str | None = None) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(model_id or self.model_id, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
            )


class PendingVectors:
    """Vectors :meth:`CachingEmbedder.start_embedding` is producing. Calling it, from the thread that
    started them (the cache's connection stays in it), stores the new vectors and returns all of them
    in input order; :meth:`wait` returns the same from any thread and stores nothing, so work that
    needs them can go on in the pool that embeds them."""

    def __init__(
        self,
        cache: CachingEmbedder,
        hashes: list[str],
        found: dict[str, np.ndarray],
        missing: list[str],
        pending: Future | None,
    ) -> None:
        self._cache, self._hashes, self._found, self._missing, self._pending = cache, hashes, found, missing, pending
        self._stored = False

    def wait(self) -> np.ndarray:
        new = dict(zip(self._missing, self._pending.result())) if self._pending is not None else {}
        out = np.zeros((len(self._hashes), self._cache.dim), dtype=np.float32)
        for i, h in enumerate(self._hashes):
            out[i] = new[h] if h in new else self._found[h]
        return out

    def __call__(self) -> np.ndarray:
        if self._pending is not None and not self._stored:
            self._cache.embedded_count += len(self._missing)
            self._cache._store(dict(zip(self._missing, self._pending.result())))
            self._stored = True
        return self.wait()


def run_now(fn: Callable[..., Any], *args: object) -> Future:
    """``submit``'s stand-in when there is no pool: runs ``fn`` at once."""
    done: Future = Future()
    done.set_result(fn(*args))
    return done
