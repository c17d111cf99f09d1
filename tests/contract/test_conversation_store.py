"""Contract of the ``ConversationStore`` seam: every backend subclasses the contract class and
provides a ``store`` fixture (a fresh, empty store)."""

import time

import pytest

from ragcore.conversations import SQLiteConversationStore, Turn


class ConversationStoreContract:
    def test_create_returns_distinct_unguessable_ids(self, store):
        ids = {store.create() for _ in range(50)}
        assert len(ids) == 50 and all(len(i) >= 32 for i in ids)

    def test_turns_come_back_in_order_and_unknown_ids_are_none(self, store):
        cid = store.create()
        assert store.turns(cid) == []
        store.append(cid, [Turn("user", "What is asthma?", {"topic": "asthma"}), Turn("assistant", "A disease.")])
        store.append(cid, [Turn("user", "How is it treated?")])
        turns = store.turns(cid)
        assert [(t.role, t.content) for t in turns] == [
            ("user", "What is asthma?"),
            ("assistant", "A disease."),
            ("user", "How is it treated?"),
        ]
        assert turns[0].meta == {"topic": "asthma"}
        assert store.turns("0" * 32) is None

    def test_owner_is_recorded_at_creation(self, store):
        mine = store.create(owner="key:alice")
        open_one = store.create()
        store.append(mine, [Turn("user", "hi")])
        assert store.owner_of(mine) == "key:alice"
        assert store.owner_of(open_one) is None
        assert store.owner_of("f" * 32) is None

    def test_delete_removes_the_conversation_and_its_turns(self, store):
        cid = store.create(owner="key:alice")
        other = store.create(owner="key:alice")
        store.append(cid, [Turn("user", "private question")])
        assert store.delete(cid) is True
        assert store.turns(cid) is None and store.owner_of(cid) is None
        assert store.delete(cid) is False
        assert store.turns(other) == []

    def test_purge_deletes_only_conversations_idle_longer_than_the_limit(self, store):
        old = store.create()
        store.append(old, [Turn("user", "old question")])
        refreshed = store.create()
        time.sleep(1.2)
        store.append(refreshed, [Turn("user", "still talking")])  # activity resets its age
        fresh = store.create()
        assert store.purge_older_than(3600) == 0
        assert store.purge_older_than(0.6) == 1
        assert store.turns(old) is None
        assert store.turns(refreshed) is not None and store.turns(fresh) == []


class TestSQLiteConversationStore(ConversationStoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return SQLiteConversationStore(tmp_path / "conversations.sqlite")


def test_sqlite_store_upgrades_a_file_written_before_owners(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE conversations (id TEXT PRIMARY KEY, created REAL NOT NULL)")
    db.execute(
        "CREATE TABLE turns (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL,"
        " content TEXT NOT NULL, meta TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (conversation_id, seq))"
    )
    db.execute("INSERT INTO conversations VALUES ('abc', ?)", (time.time() - 7200,))
    db.commit()
    db.close()
    store = SQLiteConversationStore(path)
    assert store.turns("abc") == [] and store.owner_of("abc") is None
    assert store.purge_older_than(3600) == 1
