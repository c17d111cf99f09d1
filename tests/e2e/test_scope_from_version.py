"""The scope guard's and evidence gate's thresholds come from the index version being served."""

from __future__ import annotations

import json
import shutil

from ragcore.conversations import SQLiteConversationStore
from ragcore.index_store import IndexStore
from ragcore.loaded_index import SCOPE_MODEL
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings

QUESTION = "What are the warning signs of a stroke?"


def _pipeline(index_dir, embedder):
    return build_pipeline(
        Settings(index_dir=index_dir), embedder=embedder, conversations=SQLiteConversationStore(":memory:")
    )


def test_thresholds_load_from_the_live_version(bundled_index, embedder, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(bundled_index, index_dir)
    store = IndexStore(index_dir)
    scope_file = store.require_current() / SCOPE_MODEL
    params = json.loads(scope_file.read_text(encoding="utf-8"))

    pipeline = _pipeline(index_dir, embedder)
    assert pipeline.serving.scope.scope.threshold == params["scope"]["threshold"]
    assert pipeline.serving.scope.evidence.threshold == params["evidence"]["threshold"]
    assert len(pipeline.serving.scope.scope.vector_coef) == embedder.dim
    answered = pipeline.chat(QUESTION)
    assert answered.refusal is None and answered.citations

    for model, reason in (("evidence", "insufficient_evidence"), ("scope", "out_of_scope")):
        params[model]["threshold"] = 1.01  # no probability reaches it
        scope_file.write_text(json.dumps(params), encoding="utf-8")
        result = _pipeline(index_dir, embedder).chat(QUESTION)
        assert result.refusal is not None and result.refusal.reason == reason
        assert result.citations == []
