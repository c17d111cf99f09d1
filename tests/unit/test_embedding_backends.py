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


def test_long_texts_go_a_few_to_a_batch_and_short_ones_many():
    from ragcore.embedding import FULL_LENGTH_CHARS, length_groups

    texts = ["q" * 40] * 100 + ["c" * (FULL_LENGTH_CHARS + 200)] * 9
    groups = length_groups(texts, 4)
    assert sorted(i for g in groups for i in g) == list(range(len(texts)))
    assert [len(g) for g in groups if len(texts[g[0]]) > FULL_LENGTH_CHARS] == [4, 4, 1]
    short = [g for g in groups if len(texts[g[-1]]) == 40]
    assert max(len(g) for g in short) == 60  # 4 texts of 600 characters' worth of 40-character questions
    # int8 keeps one text per run however short: its vectors must not depend on batch neighbours
    assert {len(g) for g in length_groups(texts, 1, grow_short=False)} == {1}
