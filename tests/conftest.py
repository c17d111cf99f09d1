"""Shared fixtures: the real embedding model, the bundled corpus ingested once per session, and
a readable deterministic fake embedder for unit tests of single seams."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus"
SHARED_DATA = PROJECT.parent / "shared" / "data"


class HashingEmbedder:
    """Bag-of-words vectors from hashed words: same words, same direction. Deterministic, instant."""

    model_id = "test/hashing-64"
    dim = 64

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(text.split())


@pytest.fixture(scope="session")
def embedder():
    from ragcore.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory) -> Path:
    """One int8 ONNX export of the bundled model per session, shared by the tests of that backend."""
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


def ingest(corpus: Path, index_dir: Path, embedder, **options):
    """Ingest ``corpus`` into ``index_dir`` the way ``docent ingest`` does."""
    from ingest.runner import run_ingest
    from ragcore.settings import Settings

    return run_ingest(Settings(index_dir=index_dir, corpus_dir=CORPUS), corpus, embedder=embedder, **options)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory, embedder) -> Path:
    """The bundled corpus, ingested once for the session with the real model."""
    index_dir = tmp_path_factory.mktemp("bundled-index")
    ingest(CORPUS, index_dir, embedder)
    return index_dir


@pytest.fixture(scope="session")
def pipeline(bundled_index, embedder):
    from ragcore.conversations import SQLiteConversationStore
    from ragcore.pipeline import build_pipeline
    from ragcore.settings import Settings

    return build_pipeline(
        Settings(index_dir=bundled_index), embedder=embedder, conversations=SQLiteConversationStore(":memory:")
    )


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server on a free 127.0.0.1 port for the session; tests use their own key prefixes."""
    from tests.servers import redis_server

    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory):
    """A real Milvus standalone server for the session; tests use their own collection names. The
    benchmark smoke test's subprocess reuses it (its embedded etcd's port allows one server at a time)."""
    from tests.servers import milvus_server

    with milvus_server(tmp_path_factory.mktemp("milvus")) as uri:
        os.environ["DOCENT_BENCH_MILVUS_URI"] = uri
        try:
            yield uri
        finally:
            os.environ.pop("DOCENT_BENCH_MILVUS_URI", None)


def recording_vectors(vector: np.ndarray):
    """``(vector_of, embedded)``: ``vector_of(text)`` is a lazy embedding of ``text`` (always
    ``vector``) that records ``text`` in ``embedded`` when asked for — to check a model is read only
    when it should be."""
    embedded: list[str] = []

    def vector_of(text: str):
        def compute() -> np.ndarray:
            embedded.append(text)
            return vector

        return compute

    return vector_of, embedded
