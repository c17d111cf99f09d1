import json

import pytest

from ragcore.errors import IndexNotFound, IndexStoreError
from ragcore.index_store import MANIFEST, IndexStore


def stage(store: IndexStore, content: str):
    staging = store.begin_version()
    (staging / "data.txt").write_text(content)
    (staging / MANIFEST).write_text(json.dumps({"content": content}))
    return staging


def test_publish_flips_current_to_the_new_version(tmp_path):
    store = IndexStore(tmp_path)
    first = store.publish(stage(store, "one"))
    assert store.current_version() == first
    second = store.publish(stage(store, "two"))
    assert store.current_version() == second
    assert (store.require_current() / "data.txt").read_text() == "two"
    assert store.versions() == sorted([first, second])


def test_a_failure_before_the_flip_leaves_current_unchanged(tmp_path):
    store = IndexStore(tmp_path)
    live = store.publish(stage(store, "live"))
    broken = store.begin_version()
    (broken / "data.txt").write_text("half written")  # no manifest: the build died before finishing
    with pytest.raises(IndexStoreError):
        store.publish(broken)
    assert store.current_version() == live
    assert (store.require_current() / "data.txt").read_text() == "live"


def test_staging_directories_are_invisible_and_discarded(tmp_path):
    store = IndexStore(tmp_path)
    live = store.publish(stage(store, "live"))
    stage(store, "never published")
    assert store.versions() == [live]
    store.discard_staging()
    assert not list(store.versions_dir.glob(".staging-*"))


def test_missing_index_names_what_to_run(tmp_path):
    with pytest.raises(IndexNotFound, match="docent ingest"):
        IndexStore(tmp_path / "nowhere").require_current()


def test_no_temporary_current_files_are_left_behind(tmp_path):
    store = IndexStore(tmp_path)
    store.publish(stage(store, "x"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "versions"]
