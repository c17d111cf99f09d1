"""``ConversationStore`` on Redis, so every replica behind a load balancer sees every conversation.

Layout (``<p>`` is the key prefix, ``docent:`` by default):

- ``<p>conv:<id>``   hash: ``created``, ``updated`` and, when there is one, ``owner``
- ``<p>turns:<id>``  list of JSON turns, in order (``RPUSH`` keeps concurrent appends ordered)
- ``<p>activity``    sorted set id -> last activity, which ``purge_older_than`` scans

Writes that touch several keys run in one ``MULTI``/``EXEC`` transaction and the purge is one Lua
script, so a reader never sees a conversation without its hash or a half-deleted one. Redis
errors become :class:`ragcore.errors.SharedStateUnavailable` (a 503 in the service).

>>> store = RedisConversationStore.from_url("redis://127.0.0.1:6379/0")
>>> cid = store.create(owner="key:alice")
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import redis

from ragcore.conversations import Turn
from ragcore.errors import SharedStateUnavailable

T = TypeVar("T")

_PURGE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, id in ipairs(ids) do
  redis.call('DEL', ARGV[2] .. 'conv:' .. id, ARGV[2] .. 'turns:' .. id)
  redis.call('ZREM', KEYS[1], id)
end
return #ids
"""


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    @wraps(method)
    def call(self: RedisConversationStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as exc:
            raise SharedStateUnavailable(f"conversation store at {self.where} failed: {exc}") from exc

    return call


class RedisConversationStore:
    """Conversations in Redis; safe from many threads and processes (one connection pool)."""

    def __init__(self, client: redis.Redis, *, prefix: str = "docent:", where: str = "redis") -> None:
        self._redis = client
        self._prefix = prefix
        self.where = where
        self._purge = client.register_script(_PURGE)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "docent:") -> RedisConversationStore:
        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)
        return cls(client, prefix=prefix, where=url.split("@")[-1])  # never log a password

    def _conv(self, conversation_id: str) -> str:
        return f"{self._prefix}conv:{conversation_id}"

    def _turns(self, conversation_id: str) -> str:
        return f"{self._prefix}turns:{conversation_id}"

    @property
    def _activity(self) -> str:
        return f"{self._prefix}activity"

    @_guarded
    def create(self, owner: str | None = None) -> str:
        conversation_id = uuid.uuid4().hex
        now = time.time()
        fields: dict[Any, Any] = {"created": now, "updated": now}
        if owner is not None:
            fields["owner"] = owner
        with self._redis.pipeline(transaction=True) as tx:
            tx.hset(self._conv(conversation_id), mapping=fields)
            tx.zadd(self._activity, {conversation_id: now})
            tx.execute()
        return conversation_id

    @_guarded
    def turns(self, conversation_id: str) -> list[Turn] | None:
        with self._redis.pipeline(transaction=True) as tx:
            tx.exists(self._conv(conversation_id))
            tx.lrange(self._turns(conversation_id), 0, -1)
            known, rows = tx.execute()
        if not known:
            return None
        return [Turn(**json.loads(row)) for row in rows]

    @_guarded
    def append(self, conversation_id: str, turns: list[Turn]) -> None:
        now = time.time()
        with self._redis.pipeline(transaction=True) as tx:
            tx.hsetnx(self._conv(conversation_id), "created", now)
            tx.hset(self._conv(conversation_id), "updated", now)
            if turns:
                tx.rpush(
                    self._turns(conversation_id),
                    *[json.dumps({"role": t.role, "content": t.content, "meta": t.meta}) for t in turns],
                )
            tx.zadd(self._activity, {conversation_id: now})
            tx.execute()

    @_guarded
    def owner_of(self, conversation_id: str) -> str | None:
        owner = self._redis.hget(self._conv(conversation_id), "owner")
        return owner.decode() if isinstance(owner, bytes) else owner

    @_guarded
    def delete(self, conversation_id: str) -> bool:
        with self._redis.pipeline(transaction=True) as tx:
            tx.delete(self._conv(conversation_id))
            tx.delete(self._turns(conversation_id))
            tx.zrem(self._activity, conversation_id)
            existed, _, _ = tx.execute()
        return bool(existed)

    @_guarded
    def purge_older_than(self, seconds: float) -> int:
        return int(self._purge(keys=[self._activity], args=[time.time() - seconds, self._prefix]))
