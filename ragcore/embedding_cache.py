"""Stored embeddings keyed by (model id, sha256 of text), so unchanged text is never embedded twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from ragcore.documents import text_hash
from ragcore.embedding import Embedder


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
        hashes = [text_hash(t) for t in texts]
        found = self._lookup(set(hashes))
        missing = list(dict.fromkeys(h for h in hashes if h not in found))
        if missing:
            first_text = {h: t for h, t in zip(hashes, texts)}
            vectors = self.inner.embed_documents([first_text[h] for h in missing])
            self.embedded_count += len(missing)
            self._store(dict(zip(missing, vectors)))
            found.update(zip(missing, vectors))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = found[h]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        self._db.close()

    def _lookup(self, hashes: set[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        keys = list(hashes)
        for i in range(0, len(keys), 500):
            batch = keys[i : i + 500]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT text_sha256, vector FROM embeddings WHERE model_id = ? AND text_sha256 IN ({marks})",
                [self.model_id, *batch],
            )
            for h, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(self.model_id, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
            )
