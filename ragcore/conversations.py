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
    """Turns of conversations, by id.

    Contract: ``create()`` returns a new unguessable id; ``turns(id)`` returns the turns appended
    so far in order, or ``None`` for an unknown id; ``append`` on an unknown id creates it.
    """

    def create(self) -> str: ...

    def turns(self, conversation_id: str) -> list[Turn] | None: ...

    def append(self, conversation_id: str, turns: list[Turn]) -> None: ...


class SQLiteConversationStore:
    """Conversations in one SQLite file, safe to use from several threads."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS turns (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL,"
                " role TEXT NOT NULL, content TEXT NOT NULL, meta TEXT NOT NULL, created REAL NOT NULL,"
                " PRIMARY KEY (conversation_id, seq))"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, created REAL NOT NULL)")

    def create(self) -> str:
        conversation_id = uuid.uuid4().hex
        with self._lock, self._db:
            self._db.execute("INSERT INTO conversations VALUES (?, ?)", (conversation_id, time.time()))
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
        with self._lock, self._db:
            self._db.execute("INSERT OR IGNORE INTO conversations VALUES (?, ?)", (conversation_id, time.time()))
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            self._db.executemany(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (conversation_id, count + i, t.role, t.content, json.dumps(t.meta), time.time())
                    for i, t in enumerate(turns)
                ],
            )
