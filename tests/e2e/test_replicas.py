"""Two `docent serve` processes on different ports share one real redis-server: a conversation
started on one continues on the other, and the rate limit is one budget across both."""

import uuid

import httpx
import pytest

from tests.e2e.conftest import running_server

# minutes, not seconds: run by .ci/run (`make test-slow`), kept out of `make test`
pytestmark = pytest.mark.slow


def test_two_replicas_share_conversations_and_one_rate_limit(bundled_index, redis_url):
    env = {
        "DOCENT_STATE_BACKEND": "redis",
        "DOCENT_LIMITS__RATE_LIMITER": "redis",
        "DOCENT_REDIS_URL": redis_url,
        "DOCENT_REDIS_PREFIX": f"replicas-{uuid.uuid4().hex[:8]}:",
        "DOCENT_LIMITS__BURST": "6",
        "DOCENT_LIMITS__RATE_PER_S": "0.01",  # no refill worth mentioning during the test
        "DOCENT_RELOAD_INTERVAL_S": "0",
    }
    with running_server(bundled_index, **env) as one, running_server(bundled_index, **env) as two:
        assert one != two
        first = httpx.post(f"{one}/v1/chat", json={"message": "What is asthma?"}, timeout=60)
        assert first.status_code == 200, first.text
        cid = first.json()["conversation_id"]
        follow_up = httpx.post(
            f"{two}/v1/chat", json={"message": "How is it treated?", "conversation_id": cid}, timeout=60
        )
        assert follow_up.status_code == 200, follow_up.text
        body = follow_up.json()
        assert body["conversation_id"] == cid
        assert "asthma" in body["rewritten_query"].lower()  # the topic carried over from the other replica
        assert any("asthma" in c["doc_id"] for c in body["citations"])

        # 2 of the 6 requests of the shared budget are spent; spend the other 4 on replica one only.
        for _ in range(4):
            assert httpx.get(f"{one}/v1/domains", timeout=30).status_code == 200
        limited = httpx.get(f"{two}/v1/domains", timeout=30)  # replica two has served one request itself
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) >= 1
        assert httpx.get(f"{one}/v1/domains", timeout=30).status_code == 429
        assert httpx.get(f"{one}/healthz", timeout=30).status_code == 200  # only /v1 routes are limited
