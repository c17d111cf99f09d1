"""Operators re-ingest safely: idempotent, incremental, versioned (real model, FAISS, SQLite)."""

import json

import pytest

from ragcore.conversations import SQLiteConversationStore
from ragcore.errors import IndexMismatch
from ragcore.index_store import IndexStore
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings
from tests.conftest import HashingEmbedder, ingest
from tests.e2e.conftest import extra_document


def chunk_ids(index_dir):
    store = IndexStore(index_dir)
    return store.manifest(store.current_version())["chunk_ids"]


def test_reingest_of_an_unchanged_corpus_embeds_nothing_and_keeps_chunk_ids(small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    first = ingest(small_corpus, index, embedder)
    assert first.embedded > 0
    again = ingest(small_corpus, index, embedder)
    assert again.up_to_date and again.version == first.version  # nothing to do
    forced = ingest(small_corpus, index, embedder, force=True)
    assert forced.embedded == 0 and forced.version != first.version
    assert chunk_ids(index) == IndexStore(index).manifest(first.version)["chunk_ids"]


def test_edit_delete_add_change_exactly_those_documents(small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    ingest(small_corpus, index, embedder)
    deleted_phrase = "small claims court"
    (small_corpus / "law/small-claims-court.md").unlink()
    edited = small_corpus / "education/note-taking.md"
    edited.write_text(edited.read_text() + "\nThe zebra-stripe method colours each lecture topic differently.\n")
    (small_corpus / "law/quiet-hours.md").write_text(
        extra_document("Quiet hours", "Many cities set quiet hours between 10 p.m. and 7 a.m. for apartment buildings.")
    )

    plan = ingest(small_corpus, index, embedder, dry_run=True).plan
    assert (plan.added, plan.updated, plan.removed) == (
        ["law/quiet-hours.md"],
        ["education/note-taking.md"],
        ["law/small-claims-court.md"],
    )
    result = ingest(small_corpus, index, embedder)
    assert 0 < result.embedded < 40  # only the new and changed texts (and no example questions) are embedded

    pipeline = build_pipeline(
        Settings(index_dir=index), embedder=embedder, conversations=SQLiteConversationStore(":memory:")
    )
    hits = pipeline.search(f"how do I sue in {deleted_phrase}", k=10)
    assert all(h.record.doc_id != "law/small-claims-court.md" for h in hits)
    assert pipeline.search("zebra-stripe method lecture topics", k=1)[0].record.doc_id == "education/note-taking.md"
    assert pipeline.search("quiet hours apartment", k=1)[0].record.doc_id == "law/quiet-hours.md"
    assert len(set(chunk_ids(index))) == len(chunk_ids(index))  # no duplicates


def test_old_versions_are_pruned_and_rollback_restores_one(small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    versions = [ingest(small_corpus, index, embedder, force=True, keep_versions=2).version for _ in range(3)]
    store = IndexStore(index)
    assert store.versions() == versions[1:]
    assert store.rollback() == versions[1] and store.current_version() == versions[1]


def test_loading_an_index_built_with_another_model_names_both_sides(small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    ingest(small_corpus, index, embedder)
    with pytest.raises(IndexMismatch) as raised:
        build_pipeline(
            Settings(index_dir=index), embedder=HashingEmbedder(), conversations=SQLiteConversationStore(":memory:")
        )
    assert embedder.model_id in str(raised.value) and HashingEmbedder.model_id in str(raised.value)


def test_manifest_records_the_ingest_report(small_corpus, tmp_path, embedder):
    (small_corpus / "law/notes.xlsx").write_bytes(b"PK\x03\x04")
    index = tmp_path / "index"
    ingest(small_corpus, index, embedder)
    store = IndexStore(index)
    manifest = json.loads((store.require_current() / "manifest.json").read_text())
    assert manifest["counts"]["documents"] == 6
    assert manifest["ingest_report"]["skipped"][0]["path"] == "law/notes.xlsx"
    assert manifest["embedding"]["model_id"] == embedder.model_id


def test_other_retrieval_settings_refit_the_scope_guard_without_embedding_again(small_corpus, tmp_path, embedder):
    """The scope guard's features come through retrieval, so it is fitted the way the chat API will
    retrieve; a corpus ingested with other retrieval settings is not "current"."""
    from ragcore.settings import RetrievalSettings

    index = tmp_path / "index"
    first = ingest(small_corpus, index, embedder)
    other = ingest(small_corpus, index, embedder, retrieval=RetrievalSettings(k=8, rerank_pool=30))
    assert not other.up_to_date and other.version != first.version and other.embedded == 0
    assert ingest(small_corpus, index, embedder, retrieval=RetrievalSettings(k=8, rerank_pool=30)).up_to_date
