"""The ``ConversationStore`` seam and its SQLite implementation."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass
class Turn:
    role: str  # "user" | "assistant"
    content: str
    meta: dict = field(default_factory=dict)  # for user turns: rewritten query, topic, domain


class ConversationStore(Protocol):
    """Turns of conversations, by id, each owned by the key that created it.

    Contract (every backend — SQLite here, Redis elsewhere — keeps it):

    - ``create(owner)`` returns a new unguessable id (at least 122 random bits) and remembers
      ``owner`` (an opaque principal string such as ``"key:3fa2…"``; ``None`` when the service runs
      without keys, so the id itself is the secret).
    - ``turns(id)`` returns the turns appended so far, in order, or ``None`` for an unknown id.
    - ``append(id, turns)`` adds turns in order and refreshes the conversation's last-activity time;
      on an unknown id it creates the conversation with no owner.
    - ``owner_of(id)`` returns the owner given to ``create`` (``None`` for no owner *or* an unknown
      id: callers check existence with ``turns``).
    - ``delete(id)`` removes the conversation and its turns; ``True`` if it existed.
    - ``purge_older_than(seconds)`` deletes every conversation whose last activity (creation or
      last ``append``) is more than ``seconds`` ago and returns how many were deleted.

    Ownership is *checked* by the caller (the service maps a foreign owner to 404, never 403, so
    ids cannot be probed); the store only records it.

    Example::

        store = SQLiteConversationStore(":memory:")
        cid = store.create(owner="key:alice")
        store.append(cid, [Turn("user", "hi"), Turn("assistant", "hello")])
        assert store.owner_of(cid) == "key:alice" and len(store.turns(cid)) == 2
        assert store.delete(cid) and store.turns(cid) is None
    """

    def create(self, owner: str | None = None) -> str: ...

    def turns(self, conversation_id: str) -> list[Turn] | None: ...

    def append(self, conversation_id: str, turns: list[Turn]) -> None: ...

    def owner_of(self, conversation_id: str) -> str | None: ...

    def delete(self, conversation_id: str) -> bool: ...

    def purge_older_than(self, seconds: float) -> int: ...


class SQLiteConversationStore:
    """Conversations in one SQLite file, safe to use from several threads."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        # Write-ahead log, synced at checkpoints rather than at every commit: a chat turn writes twice
        # (new conversation, then its turns), and two rollback-journal commits with full syncs cost more
        # than answering the question. A commit survives the process crashing; only a power cut or OS
        # crash may lose the last turns. (WAL needs a local file system, as SQLite's locking does anyway.)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS turns (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL,"
                " role TEXT NOT NULL, content TEXT NOT NULL, meta TEXT NOT NULL, created REAL NOT NULL,"
                " PRIMARY KEY (conversation_id, seq))"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, created REAL NOT NULL)")
            # Files written before conversations had owners and an activity time gain the columns here.
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(conversations)")}
            if "owner" not in columns:
                self._db.execute("ALTER TABLE conversations ADD COLUMN owner TEXT")
            if "updated" not in columns:
                self._db.execute("ALTER TABLE conversations ADD COLUMN updated REAL")
                self._db.execute("UPDATE conversations SET updated = created")
            self._db.execute("CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated)")

    def create(self, owner: str | None = None) -> str:
        conversation_id = uuid.uuid4().hex
        now = time.time()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO conversations (id, created, owner, updated) VALUES (?, ?, ?, ?)",
                (conversation_id, now, owner, now),
            )
        return conversation_id

    def turns(self, conversation_id: str) -> list[Turn] | None:
        with self._lock:
            known = self._db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            rows = self._db.execute(
                "SELECT role, content, meta FROM turns WHERE conversation_id = ? ORDER BY seq", (conversation_id,)
            ).fetchall()
        if not known:
            return None
        return [Turn(role, content, json.loads(meta)) for role, content, meta in rows]

    def append(self, conversation_id: str, turns: list[Turn]) -> None:
        now = time.time()
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO conversations (id, created, owner, updated) VALUES (?, ?, NULL, ?)",
                (conversation_id, now, now),
            )
            self._db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            self._db.executemany(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                [(conversation_id, count + i, t.role, t.content, json.dumps(t.meta), now) for i, t in enumerate(turns)],
            )

    def owner_of(self, conversation_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT owner FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return row[0] if row else None

    def delete(self, conversation_id: str) -> bool:
        with self._lock, self._db:
            deleted = self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount
            self._db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
        return deleted > 0

    def purge_older_than(self, seconds: float) -> int:
        cutoff = time.time() - seconds
        with self._lock, self._db:
            old = [row[0] for row in self._db.execute("SELECT id FROM conversations WHERE updated < ?", (cutoff,))]
            self._db.executemany("DELETE FROM turns WHERE conversation_id = ?", [(cid,) for cid in old])
            self._db.executemany("DELETE FROM conversations WHERE id = ?", [(cid,) for cid in old])
        return len(old)
