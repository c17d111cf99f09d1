"""The Redis backends of ``ConversationStore`` and ``RateLimiter`` keep the same contracts as the
in-process ones, against a real redis-server; plus what only a shared store can show."""

import threading
import uuid

import pytest
import redis

from ragcore.conversations import Turn
from ragcore.errors import SharedStateUnavailable
from ragcore.redis_conversations import RedisConversationStore
from service.redis_ratelimit import RedisRateLimiter
from tests.contract.test_conversation_store import ConversationStoreContract
from tests.contract.test_rate_limiter import RateLimiterContract


def fresh_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:10]}:"


class TestRedisConversationStore(ConversationStoreContract):
    @pytest.fixture
    def store(self, redis_url):
        return RedisConversationStore.from_url(redis_url, prefix=fresh_prefix())


class TestRedisRateLimiter(RateLimiterContract):
    @pytest.fixture
    def make_limiter(self, redis_url):
        prefix = fresh_prefix()
        return lambda *, rate, burst: RedisRateLimiter.from_url(redis_url, rate=rate, burst=burst, prefix=prefix)


def test_two_store_instances_share_conversations(redis_url):
    prefix = fresh_prefix()
    one = RedisConversationStore.from_url(redis_url, prefix=prefix)
    two = RedisConversationStore.from_url(redis_url, prefix=prefix)
    cid = one.create(owner="key:alice")
    two.append(cid, [Turn("user", "What is asthma?", {"topic": "asthma"})])
    assert [t.content for t in one.turns(cid)] == ["What is asthma?"]
    assert two.owner_of(cid) == "key:alice"


def test_concurrent_limiters_never_grant_more_than_the_burst(redis_url):
    """Eight clients (as eight replicas would) race for one key's bucket: exactly ``burst`` get in."""
    prefix = fresh_prefix()
    limiters = [RedisRateLimiter.from_url(redis_url, rate=0.01, burst=25, prefix=prefix) for _ in range(8)]
    granted = []

    def hammer(limiter):
        granted.extend(limiter.acquire("key:shared") is None for _ in range(10))

    threads = [threading.Thread(target=hammer, args=(lim,)) for lim in limiters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 80 and sum(granted) == 25


def test_idle_buckets_expire_so_keys_do_not_pile_up(redis_url):
    prefix = fresh_prefix()
    limiter = RedisRateLimiter.from_url(redis_url, rate=100.0, burst=2, prefix=prefix)
    limiter.acquire("ip:10.0.0.1")
    ttl_ms = redis.Redis.from_url(redis_url).pttl(f"{prefix}rate:ip:10.0.0.1")
    assert 0 < ttl_ms <= 1020  # refilled after 2 / 100 s, dropped a second later


def test_an_unreachable_redis_is_a_shared_state_error_not_a_crash():
    store = RedisConversationStore.from_url("redis://127.0.0.1:1/0")
    with pytest.raises(SharedStateUnavailable, match="127.0.0.1:1"):
        store.create()
    limiter = RedisRateLimiter.from_url("redis://127.0.0.1:1/0", rate=1.0, burst=1)
    assert limiter.acquire("ip:1") is None  # fails open: the shared limiter's outage is not the service's
