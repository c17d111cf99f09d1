"""An index built with the int8 ONNX backend (and an approximate vector index) answers with cited
quotes; loading it with the PyTorch backend fails with an IndexMismatch naming both backends."""

import pytest

from ragcore.conversations import SQLiteConversationStore
from ragcore.errors import IndexMismatch
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings, VectorIndexSettings
from tests.conftest import CORPUS


def test_int8_index_answers_and_refuses_the_other_backend(small_corpus, tmp_path, embedder, onnx_dir):
    from ingest.runner import run_ingest

    settings = Settings(
        index_dir=tmp_path / "index",
        corpus_dir=CORPUS,
        embedding_backend="onnx-int8",
        onnx_dir=onnx_dir,
        vector_index=VectorIndexSettings(kind="hnsw"),
    )
    run_ingest(settings, small_corpus)
    pipeline = build_pipeline(settings, conversations=SQLiteConversationStore(":memory:"))
    manifest = pipeline.serving.index.manifest
    assert manifest["embedding"]["backend"] == "onnx-int8"
    assert manifest["vector_index"] == "faiss-hnsw-flat-ip"

    result = pipeline.chat("How is asthma treated?")
    assert result.refusal is None and result.citations
    assert result.citations[0].doc_id == "healthcare/asthma.md"
    text = pipeline.serving.index.catalog.document("healthcare/asthma.md").text
    assert all(
        text[c.char_start : c.char_end] == c.quote for c in result.citations if c.doc_id == "healthcare/asthma.md"
    )

    with pytest.raises(IndexMismatch) as raised:
        build_pipeline(Settings(index_dir=settings.index_dir), embedder=embedder)
    assert "onnx-int8" in str(raised.value) and "torch" in str(raised.value)
