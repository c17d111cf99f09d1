"""With a spare core, ingest encodes its side texts (the scope guard's training questions, sentences
that lie in no chunk) in a second thread while the chunks are encoded. The version it publishes
must be the one a sequential build publishes (real model, FAISS, SQLite)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ragcore.embedding_cache import CachingEmbedder
from ragcore.index_store import IndexStore
from ragcore.loaded_index import CHUNK_VECTORS, SCOPE_EXAMPLES, SCOPE_MODEL, SENTENCE_VECTORS
from tests.conftest import HashingEmbedder, ingest


class ThreadRecordingEmbedder:
    """The real model, noting the thread of every ``embed_documents`` call."""

    threads = 1

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id, self.dim = inner.model_id, inner.dim
        self.document_threads: list[str] = []

    def embed_documents(self, texts):
        self.document_threads.append(threading.current_thread().name)
        return self.inner.embed_documents(texts)

    def embed_with_spans(self, texts, spans):
        return self.inner.embed_with_spans(texts, spans)

    def embed_query(self, text):
        return self.inner.embed_query(text)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def live_version(index_dir):
    store = IndexStore(index_dir)
    return store.versions_dir / store.current_version()


def test_side_texts_encoded_beside_the_chunks_give_the_sequential_build(small_corpus, tmp_path, embedder):
    sequential, beside = ThreadRecordingEmbedder(embedder), ThreadRecordingEmbedder(embedder)
    ingest(small_corpus, tmp_path / "sequential", sequential, side_thread=False)
    ingest(small_corpus, tmp_path / "beside", beside, side_thread=True)

    assert not any(name.startswith("ingest-side") for name in sequential.document_threads)
    assert any(name.startswith("ingest-side") for name in beside.document_threads)
    one, other = live_version(tmp_path / "sequential"), live_version(tmp_path / "beside")
    for name in (CHUNK_VECTORS, SENTENCE_VECTORS, SCOPE_EXAMPLES):
        np.testing.assert_allclose(np.load(one / name), np.load(other / name), atol=1e-6, err_msg=name)
    assert (one / SCOPE_MODEL).read_text() == (other / SCOPE_MODEL).read_text()


def test_embedding_started_in_a_pool_is_cached_from_the_calling_thread(tmp_path):
    cache = CachingEmbedder(HashingEmbedder(), tmp_path / "cache.sqlite")
    texts = ["asthma inhaler", "security deposit", "asthma inhaler", "pell grant"]
    with ThreadPoolExecutor(1) as pool:
        finish = cache.start_embedding(texts, pool.submit)
        vectors = finish()
    np.testing.assert_array_equal(vectors, HashingEmbedder().embed_documents(texts))
    assert cache.embedded_count == 3  # the repeated text is embedded once
    assert cache.start_embedding(texts)() is not None and cache.embedded_count == 3  # now all cached
    cache.close()


def test_vectors_awaited_in_the_pool_are_not_cached_until_the_calling_thread_collects_them(tmp_path):
    cache = CachingEmbedder(HashingEmbedder(), tmp_path / "cache.sqlite")
    texts = ["asthma inhaler", "security deposit", "pell grant"]
    cache.start_embedding(texts[:1])()  # one of them cached already
    with ThreadPoolExecutor(1) as pool:
        pending = cache.start_embedding(texts, pool.submit)
        in_pool = pool.submit(pending.wait).result()  # work that needs the vectors, queued behind them
        assert cache.embedded_count == 1  # nothing stored from the pool's thread
        np.testing.assert_array_equal(in_pool, HashingEmbedder().embed_documents(texts))
        np.testing.assert_array_equal(pending(), in_pool)
    assert cache.embedded_count == 3
    cache.close()
