"""The bundled corpus ingested into a real Milvus server answers the development set with the same
citations as FAISS; the manifest records the backend and ingest flips the live alias atomically."""

import json
import shutil
import uuid

import pytest

from evals.datasets import load_dataset
from evals.targets import InProcessTarget
from ingest.runner import rollback_index
from ragcore.conversations import SQLiteConversationStore
from ragcore.index_store import IndexStore
from ragcore.milvus_index import client_for, collection_name, live_alias
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings
from tests.conftest import CORPUS, PROJECT, ingest

# minutes, not seconds: run by .ci/run (`make test-slow`), kept out of `make test`
pytestmark = pytest.mark.slow

DEV = PROJECT / "evals" / "datasets" / "dev.jsonl"


@pytest.fixture(scope="module")
def milvus_settings(bundled_index, embedder, milvus_uri, tmp_path_factory):
    """The bundled corpus ingested with the Milvus backend (vectors reused from the FAISS ingest's cache)."""
    index_dir = tmp_path_factory.mktemp("milvus-index")
    (index_dir / "cache").mkdir()
    shutil.copyfile(bundled_index / "cache" / "embeddings.sqlite", index_dir / "cache" / "embeddings.sqlite")
    settings = Settings(
        index_dir=index_dir, vector_backend="milvus", milvus_uri=milvus_uri, milvus_prefix=f"e2e_{uuid.uuid4().hex[:8]}"
    )
    result = ingest(CORPUS, index_dir, embedder, vectors=settings.vector_backend_config)
    assert result.embedded == 0  # every vector came from the cache: the two indexes hold the same vectors
    return settings


def rebuild(settings, embedder, *, keep_versions: int):
    """A forced re-ingest of the bundled corpus into a new Milvus collection."""
    ingest(
        CORPUS,
        settings.index_dir,
        embedder,
        vectors=settings.vector_backend_config,
        force=True,
        keep_versions=keep_versions,
    )


class RememberedQueries:
    """The real embedder, with each query embedded once for both pipelines (same text, same vector)."""

    def __init__(self, embedder) -> None:
        self.inner, self.model_id, self.dim = embedder, embedder.model_id, embedder.dim
        self.seen: dict[str, object] = {}

    def embed_query(self, text: str):
        if text not in self.seen:
            self.seen[text] = self.inner.embed_query(text)
        return self.seen[text]

    def __getattr__(self, name):
        return getattr(self.inner, name)


def answers(pipeline, items):
    target = InProcessTarget(pipeline)
    out = {}
    for item in items:
        conversation_id = None
        for turn in item.history:
            if turn.get("role") == "user":
                conversation_id = target.chat(turn["content"], conversation_id)["conversation_id"]
        result = target.chat(item.question, conversation_id)
        reason = result["refusal"]["reason"] if result["refusal"] else None
        out[item.id] = (reason, [(c["doc_id"], c["char_start"], c["char_end"]) for c in result["citations"]])
    return out


def test_manifest_records_milvus_and_the_live_alias_names_the_live_collection(milvus_settings):
    store = IndexStore(milvus_settings.index_dir)
    version = store.current_version()
    manifest = store.manifest(version)
    expected = collection_name(milvus_settings.milvus_prefix, version)
    assert manifest["vector_index"] == "milvus-flat-ip"
    assert manifest["vector_store"]["collection"] == expected
    assert not (store.versions_dir / version / "chunks.faiss").exists()
    client = client_for(milvus_settings.milvus_uri)
    assert client.describe_alias(live_alias(milvus_settings.milvus_prefix))["collection_name"] == expected
    assert client.get_collection_stats(expected)["row_count"] == manifest["counts"]["chunks"]


def test_dev_set_gets_the_same_answers_and_citations_as_faiss(bundled_index, milvus_settings, embedder):
    items = load_dataset(DEV)
    assert len(items) > 300
    queries = RememberedQueries(embedder)
    faiss_pipeline = build_pipeline(
        Settings(index_dir=bundled_index), embedder=queries, conversations=SQLiteConversationStore(":memory:")
    )
    milvus_pipeline = build_pipeline(
        milvus_settings, embedder=queries, conversations=SQLiteConversationStore(":memory:")
    )
    assert type(milvus_pipeline.serving.index.vectors).__name__ == "MilvusIndex"
    faiss_answers = answers(faiss_pipeline, items)
    milvus_answers = answers(milvus_pipeline, items)
    cited = sum(bool(cites) for _, cites in faiss_answers.values())
    assert cited > 200  # the comparison covers real answers, not only refusals
    differing = {
        i: (faiss_answers[i], milvus_answers[i]) for i in faiss_answers if faiss_answers[i] != milvus_answers[i]
    }
    assert differing == {}


def test_reingest_publishes_a_new_collection_and_flips_the_alias(milvus_settings, embedder):
    store = IndexStore(milvus_settings.index_dir)
    before = store.current_version()
    rebuild(milvus_settings, embedder, keep_versions=1)
    after = store.current_version()
    assert after != before
    client = client_for(milvus_settings.milvus_uri)
    prefix = milvus_settings.milvus_prefix
    assert client.describe_alias(live_alias(prefix))["collection_name"] == collection_name(prefix, after)
    ours = sorted(c for c in client.list_collections() if c.startswith(f"{prefix}_v"))
    assert ours == [collection_name(prefix, after)]  # the old version's collection went with it
    manifest = json.loads((store.versions_dir / after / "manifest.json").read_text())
    assert manifest["vector_store"]["backend"] == "milvus"


def test_rollback_points_the_live_alias_back_at_the_older_collection(milvus_settings, embedder):
    store = IndexStore(milvus_settings.index_dir)
    older = store.current_version()
    rebuild(milvus_settings, embedder, keep_versions=2)
    client, prefix = client_for(milvus_settings.milvus_uri), milvus_settings.milvus_prefix
    assert client.describe_alias(live_alias(prefix))["collection_name"] != collection_name(prefix, older)

    assert rollback_index(milvus_settings) == older == store.current_version()
    assert client.describe_alias(live_alias(prefix))["collection_name"] == collection_name(prefix, older)
    pipeline = build_pipeline(milvus_settings, embedder=embedder, conversations=SQLiteConversationStore(":memory:"))
    assert pipeline.index_version == older and pipeline.chat("How is asthma treated?").citations
