"""Embedders are made from settings in one place: the backend by name, and each backend's own
batch size unless ``DOCENT_EMBED_BATCH_SIZE`` says otherwise."""

import pytest
from pydantic import ValidationError

from ragcore.embedding import SentenceTransformerEmbedder
from ragcore.embedding_backends import make_embedder
from ragcore.settings import Settings


def test_each_backend_keeps_its_own_batch_size_unless_one_is_configured(onnx_dir, monkeypatch):
    from ragcore.onnx_embedding import OnnxInt8Embedder

    torch_default = make_embedder(Settings(embedding_backend="torch"))
    int8_default = make_embedder(Settings(embedding_backend="onnx-int8", onnx_dir=onnx_dir))
    assert torch_default.batch_size == SentenceTransformerEmbedder.DEFAULT_BATCH == 4
    assert int8_default.batch_size == OnnxInt8Embedder.DEFAULT_BATCH == 1

    monkeypatch.setenv("DOCENT_EMBED_BATCH_SIZE", "16")
    assert make_embedder(Settings(embedding_backend="onnx-int8", onnx_dir=onnx_dir)).batch_size == 16


def test_an_unknown_backend_is_refused_naming_the_known_ones(monkeypatch):
    monkeypatch.setenv("DOCENT_EMBEDDING_BACKEND", "tensorflow")
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert "tensorflow" in str(raised.value) and "onnx-int8" in str(raised.value)
