"""Keys, private conversations, limits, metrics and logs, through the FastAPI app with the real
pipeline over the bundled corpus."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from ragcore.settings import Settings
from service.app import create_app
from service.logging_config import JsonFormatter
from service.ratelimit import TokenBucketLimiter

CHAT_KEY, OTHER_KEY, ADMIN_KEY = "chat-key-alice-0001", "chat-key-bob-0002", "admin-key-0003"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@contextmanager
def app_client(pipeline, bundled_index, *, rate_limiter=None, pipeline_factory=None, **overrides):
    limits = {"rate_limiter": "off"} | overrides.pop("limits", {})
    settings = Settings(index_dir=bundled_index, reload_interval_s=0, limits=limits, **overrides)
    app = create_app(settings, pipeline_factory=pipeline_factory or (lambda _: pipeline), rate_limiter=rate_limiter)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert app.state.holder.ready.wait(60)
        yield client


def assert_error(response, status, code=None):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"] and (code is None or error["code"] == code)


@pytest.fixture(scope="module")
def keyed(pipeline, bundled_index, tmp_path_factory):
    keys_file = tmp_path_factory.mktemp("keys") / "keys.txt"
    keys_file.write_text(f"# Docent keys\nchat:{sha(CHAT_KEY)}\n\nchat:{sha(OTHER_KEY)}\n")
    with app_client(
        pipeline, bundled_index, api_keys_file=keys_file, api_keys=f"admin:{sha(ADMIN_KEY)}", limits={"max_turns": 2}
    ) as client:
        yield client


def test_chat_needs_a_known_key_once_keys_are_configured(keyed):
    assert_error(keyed.post("/v1/chat", json={"message": "How is asthma treated?"}), 401, "unauthorized")
    assert_error(keyed.post("/v1/chat", json={"message": "How is asthma treated?"}, headers=bearer("guess")), 401)
    assert_error(keyed.get("/v1/domains", headers={"Authorization": "Basic abc"}), 401)
    answered = keyed.post("/v1/chat", json={"message": "How is asthma treated?"}, headers=bearer(CHAT_KEY))
    assert answered.status_code == 200 and answered.json()["citations"]
    assert keyed.get("/v1/domains", headers=bearer(ADMIN_KEY)).status_code == 200  # an admin key may chat too
    assert keyed.get("/healthz").status_code == 200 and keyed.get("/metrics").status_code == 200


def test_admin_routes_need_the_admin_role(keyed):
    assert_error(keyed.get("/v1/admin/index"), 401)
    assert_error(keyed.get("/v1/admin/index", headers=bearer(CHAT_KEY)), 403, "forbidden")
    info = keyed.get("/v1/admin/index", headers=bearer(ADMIN_KEY))
    assert info.status_code == 200 and info.json()["serving_version"]


def test_chat_is_open_without_keys(client):
    assert client.post("/v1/chat", json={"message": "What is asthma?"}).status_code == 200
    assert client.post("/v1/chat", json={"message": "What is asthma?"}, headers=bearer("anything")).status_code == 200


def test_another_key_cannot_read_continue_or_delete_a_conversation(keyed):
    alice, bob = bearer(CHAT_KEY), bearer(OTHER_KEY)
    first = keyed.post("/v1/chat", json={"message": "What is asthma?"}, headers=alice).json()
    cid = first["conversation_id"]
    assert_error(keyed.get(f"/v1/conversations/{cid}", headers=bob), 404, "conversation_not_found")
    assert_error(keyed.delete(f"/v1/conversations/{cid}", headers=bob), 404)
    assert_error(
        keyed.post("/v1/chat", json={"message": "How is it treated?", "conversation_id": cid}, headers=bob), 404
    )
    assert_error(keyed.get(f"/v1/conversations/{cid}"), 401)

    mine = keyed.get(f"/v1/conversations/{cid}", headers=alice)
    assert mine.status_code == 200
    assert [(t["role"], t["content"]) for t in mine.json()["turns"]] == [
        ("user", "What is asthma?"),
        ("assistant", first["answer"]),
    ]
    deleted = keyed.delete(f"/v1/conversations/{cid}", headers=alice)
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(keyed.get(f"/v1/conversations/{cid}", headers=alice), 404)


def test_a_conversation_stops_at_max_turns(keyed):
    alice = bearer(CHAT_KEY)
    cid = keyed.post("/v1/chat", json={"message": "What is asthma?"}, headers=alice).json()["conversation_id"]
    body = {"message": "How is it treated?", "conversation_id": cid}
    assert keyed.post("/v1/chat", json=body, headers=alice).status_code == 200
    assert_error(keyed.post("/v1/chat", json=body, headers=alice), 409, "too_many_turns")
    assert len(keyed.get(f"/v1/conversations/{cid}", headers=alice).json()["turns"]) == 4


def test_rate_limit_returns_429_with_retry_after_then_recovers(pipeline, bundled_index):
    with app_client(pipeline, bundled_index, rate_limiter=TokenBucketLimiter(rate=2.0, burst=3)) as client:
        assert [client.get("/v1/domains").status_code for _ in range(3)] == [200, 200, 200]
        limited = client.get("/v1/domains")
        assert_error(limited, 429, "rate_limited")
        wait = int(limited.headers["Retry-After"])
        assert wait >= 1
        assert client.get("/healthz").status_code == 200  # health checks are never limited
        time.sleep(wait)
        assert client.get("/v1/domains").status_code == 200


def test_keys_have_their_own_buckets(pipeline, bundled_index):
    limiter = TokenBucketLimiter(rate=0.01, burst=1)
    with app_client(
        pipeline, bundled_index, rate_limiter=limiter, api_keys=f"chat:{sha(CHAT_KEY)},chat:{sha(OTHER_KEY)}"
    ) as client:
        assert client.get("/v1/domains", headers=bearer(CHAT_KEY)).status_code == 200
        assert_error(client.get("/v1/domains", headers=bearer(CHAT_KEY)), 429)
        assert client.get("/v1/domains", headers=bearer(OTHER_KEY)).status_code == 200


def test_the_memory_limiter_is_chosen_by_settings(pipeline, bundled_index):
    with app_client(
        pipeline, bundled_index, limits={"rate_limiter": "memory", "rate_per_s": 0.01, "burst": 2}
    ) as client:
        assert [client.get("/v1/domains").status_code for _ in range(3)] == [200, 200, 429]


def test_oversized_bodies_get_413(client):
    huge = json.dumps({"message": "x" * 70_000}).encode()
    declared = client.post("/v1/chat", content=huge, headers={"content-type": "application/json"})
    assert_error(declared, 413, "too_large")

    def chunks():  # no Content-Length: the limit applies while the body is read
        for _ in range(70):
            yield b"x" * 1024

    streamed = client.post("/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    assert_error(streamed, 413, "too_large")
    assert client.post("/v1/chat", json={"message": "What is asthma?"}).status_code == 200


class BlockedPipeline:
    """The real pipeline, except that chat waits until the test releases it."""

    def __init__(self, pipeline, release: threading.Event) -> None:
        self._pipeline, self._release = pipeline, release

    def chat(self, *args, **kwargs):
        self._release.wait(30)
        return self._pipeline.chat(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._pipeline, name)


def test_a_request_over_the_timeout_gets_a_503_not_a_hang(pipeline, bundled_index):
    release = threading.Event()
    factory = lambda _: BlockedPipeline(pipeline, release)  # noqa: E731
    with app_client(pipeline, bundled_index, pipeline_factory=factory, limits={"request_timeout_s": 0.5}) as client:
        try:
            response = client.post("/v1/chat", json={"message": "What is asthma?"})
        finally:
            release.set()
        assert_error(response, 503, "timeout")
        assert response.headers["Retry-After"]
        assert client.get("/v1/domains").status_code == 200


def test_cors_is_closed_by_default_and_open_to_configured_origins(client, pipeline, bundled_index):
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/v1/chat", headers=preflight).headers
    assert (
        "access-control-allow-origin"
        not in client.get("/v1/domains", headers={"Origin": "https://app.example"}).headers
    )
    with app_client(pipeline, bundled_index, cors_origins=["https://app.example"]) as open_client:
        allowed = open_client.options("/v1/chat", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        other = open_client.options("/v1/chat", headers=preflight | {"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_old_conversations_are_purged(pipeline, bundled_index):
    with app_client(pipeline, bundled_index, conversation_retention_s=1.0) as client:
        cid = client.post("/v1/chat", json={"message": "What is asthma?"}).json()["conversation_id"]
        deadline = time.monotonic() + 30
        while client.get(f"/v1/conversations/{cid}").status_code == 200:
            assert time.monotonic() < deadline, "the conversation outlived its retention"
            time.sleep(0.5)
        assert_error(client.get(f"/v1/conversations/{cid}"), 404)


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        if sample == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return 0.0


def test_metrics_count_requests_stages_refusals_citations_and_the_index(pipeline, bundled_index):
    with app_client(pipeline, bundled_index) as client:
        answered = client.post("/v1/chat", json={"message": "How is asthma treated?"}).json()
        client.post("/v1/chat", json={"message": "What's a good pasta recipe?"})
        client.post("/v1/chat", json={"message": ""})
        client.get("/v1/documents/healthcare/asthma.md")
        text = client.get("/metrics").text
    assert metric(text, "docent_http_requests_total", method="POST", route="/v1/chat", status="200") == 2
    assert metric(text, "docent_http_requests_total", method="POST", route="/v1/chat", status="422") == 1
    assert metric(text, "docent_http_requests_total", method="GET", route="/v1/documents/{doc_id}", status="200") == 1
    for stage in ("embed", "retrieve", "generate", "total"):
        assert metric(text, "docent_pipeline_stage_seconds_count", stage=stage) == 2
    assert metric(text, "docent_http_request_duration_seconds_count", method="POST", route="/v1/chat") == 3
    assert metric(text, "docent_refusals_total", reason="out_of_scope") == 1
    assert metric(text, "docent_answers_total") == 1
    assert metric(text, "docent_citations_per_answer_count") == 1
    assert metric(text, "docent_citations_per_answer_sum") == len(answered["citations"]) > 0
    assert metric(text, "docent_index_info", version=pipeline.index_version) == 1
    assert metric(text, "docent_ingest_jobs", status="running") == 0


def test_request_id_is_echoed_and_a_sane_client_id_is_kept(client):
    mine = client.get("/v1/domains", headers={"X-Request-ID": "trace-abc.123"})
    assert mine.headers["X-Request-ID"] == "trace-abc.123"
    generated = client.get("/v1/domains", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 80})
    assert generated.headers["X-Request-ID"] != "trace-abc.123" and len(generated.headers["X-Request-ID"]) == 32
    assert client.get("/v1/nothing").headers["X-Request-ID"]


def test_no_message_text_in_logs_at_info_only_at_debug(client, caplog):
    secret = "my neighbour Zebulon Quist has asthma"
    formatter = JsonFormatter()
    with caplog.at_level(logging.INFO):
        response = client.post("/v1/chat", json={"message": secret}, headers={"X-Request-ID": "req-info-1"})
    assert response.status_code == 200
    lines = [formatter.format(r) for r in caplog.records]
    request_lines = [json.loads(line) for line in lines if '"http"' in line]
    assert any(e["request_id"] == "req-info-1" and e["http"]["route"] == "/v1/chat" for e in request_lines)
    assert not any("Zebulon" in line for line in lines)

    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/chat", json={"message": secret})
    assert any("Zebulon" in formatter.format(r) for r in caplog.records)  # explicitly enabled: debug shows it


def test_an_unknown_key_never_buys_a_fresh_bucket(pipeline, bundled_index):
    limiter = TokenBucketLimiter(rate=0.01, burst=1)
    with app_client(pipeline, bundled_index, rate_limiter=limiter) as client:  # keys off: chat is open
        assert client.get("/v1/domains", headers=bearer("made-up-1")).status_code == 200
        assert_error(client.get("/v1/domains", headers=bearer("made-up-2")), 429)  # same address, same bucket
