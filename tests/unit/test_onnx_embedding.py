"""The int8 ONNX backend: exported locally from the bundled model once, close to PyTorch's vectors,
span pooling from the same pass, and a model id of its own (so caches and indexes never mix)."""

import numpy as np
import pytest

TEXTS = [
    "Asthma narrows the airways. Inhalers help most people control it.",
    "A landlord must return the security deposit within a set number of days.",
    "The FAFSA is the form students fill in to apply for federal aid.",
]


@pytest.fixture(scope="module")
def int8(onnx_dir):
    from ragcore.onnx_embedding import OnnxInt8Embedder

    return OnnxInt8Embedder(cache_dir=onnx_dir)


def test_vectors_are_unit_length_and_close_to_pytorch(int8, embedder):
    got, want = int8.embed_documents(TEXTS), embedder.embed_documents(TEXTS)
    assert got.shape == want.shape and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.all(np.sum(got * want, axis=1) > 0.97)
    # and they still tell the documents apart the way PyTorch does
    assert np.array_equal(np.argmax(got @ want.T, axis=1), np.arange(len(TEXTS)))


def test_span_vectors_come_from_the_same_pass(int8, embedder):
    text = TEXTS[0]
    spans = [[(0, 27), (28, len(text)), (len(text), len(text))]]
    vectors, pooled = int8.embed_with_spans([text], spans)
    assert np.allclose(vectors[0], int8.embed_query(text), atol=1e-5)
    assert pooled[0][2] is None  # an empty span has no tokens
    _, reference = embedder.embed_with_spans([text], spans)
    for mine, theirs in zip(pooled[0][:2], reference[0][:2]):
        assert float(mine @ theirs) > 0.95


def test_the_export_is_made_once_and_reused(int8, onnx_dir):
    from ragcore.onnx_embedding import OnnxInt8Embedder

    before = int8.model_file.stat().st_mtime_ns
    again = OnnxInt8Embedder(cache_dir=onnx_dir)
    assert again.model_file == int8.model_file and again.model_file.stat().st_mtime_ns == before
    assert int8.model_id != "sentence-transformers/all-MiniLM-L6-v2" and int8.backend == "onnx-int8"


def test_a_texts_vector_does_not_depend_on_the_texts_beside_it(int8):
    """Dynamic quantisation scales activations per tensor, so in a batch one text's vector would
    move with its neighbours (cosine down to 0.99); by default each text runs alone, so a vector
    is the same however the texts are grouped — the embedding cache is keyed by text alone."""
    together = int8.embed_documents(TEXTS)
    alone = np.vstack([int8.embed_documents([text]) for text in TEXTS])
    assert np.array_equal(together, alone)
    spans = [[(0, 10)] for _ in TEXTS]
    vectors, _ = int8.embed_with_spans(list(reversed(TEXTS)), spans)
    assert np.array_equal(vectors[::-1], alone)
