"""Operators over HTTP: admin keys, background re-ingest, rollback, and hot swap under load."""

import threading
import time

import httpx

from tests.conftest import ingest
from tests.e2e.conftest import extra_document, running_server

KEY = "test-admin-key-123"
ADMIN = {"Authorization": f"Bearer {KEY}"}


def test_reindex_and_swap_under_load_fails_no_request(small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    first = ingest(small_corpus, index, embedder).version
    env = {
        "DOCENT_ADMIN_API_KEY": KEY,
        "DOCENT_CORPUS_DIR": str(small_corpus),
        "DOCENT_RELOAD_INTERVAL_S": "0.2",
        "DOCENT_LIMITS__RATE_LIMITER": "off",  # three clients hammer it on purpose
    }
    with running_server(index, **env) as base:
        outcomes: list[tuple[int, str | None]] = []
        stop = threading.Event()

        def load():
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set():
                    r = client.post("/v1/chat", json={"message": "How is asthma treated?"})
                    outcomes.append((r.status_code, r.json().get("index_version")))

        workers = [threading.Thread(target=load) for _ in range(3)]
        for w in workers:
            w.start()
        (small_corpus / "law/quiet-hours.md").write_text(
            extra_document("Quiet hours", "Many cities set quiet hours between 10 p.m. and 7 a.m. for apartments.")
        )
        job = httpx.post(f"{base}/v1/admin/reindex", headers=ADMIN, timeout=10)
        assert job.status_code == 202
        conflict = httpx.post(f"{base}/v1/admin/reindex", headers=ADMIN, timeout=10)
        assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "job_running"
        job_id = job.json()["id"]
        deadline = time.monotonic() + 240
        while (status := httpx.get(f"{base}/v1/admin/jobs/{job_id}", headers=ADMIN).json())["status"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert status["status"] == "succeeded", status
        new = status["result"]["version"]
        time.sleep(1.5)
        stop.set()
        for w in workers:
            w.join(30)

        assert outcomes and all(code == 200 for code, _ in outcomes)
        versions = [v for _, v in outcomes]
        assert versions[0] == first and versions[-1] == new and set(versions) == {first, new}
        info = httpx.get(f"{base}/v1/admin/index", headers=ADMIN).json()
        assert info["live_version"] == info["serving_version"] == new

        rolled = httpx.post(f"{base}/v1/admin/index/rollback", headers=ADMIN, json={}).json()
        assert rolled["live_version"] == rolled["serving_version"] == first
        after = httpx.post(f"{base}/v1/chat", json={"message": "How is asthma treated?"}).json()
        assert after["index_version"] == first


def test_a_version_published_by_another_process_is_picked_up(small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    first = ingest(small_corpus, index, embedder).version
    with running_server(index, DOCENT_RELOAD_INTERVAL_S="0.2", DOCENT_LIMITS__RATE_LIMITER="off") as base:
        second = ingest(small_corpus, index, embedder, force=True).version
        deadline = time.monotonic() + 30
        while httpx.post(f"{base}/v1/chat", json={"message": "What is the FAFSA?"}).json()["index_version"] != second:
            assert time.monotonic() < deadline, f"still serving {first}"
            time.sleep(0.3)


def test_admin_routes_need_the_admin_key(small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    ingest(small_corpus, index, embedder)
    with running_server(index, DOCENT_RELOAD_INTERVAL_S="0") as base:
        assert httpx.get(f"{base}/v1/admin/index").status_code == 404  # no key configured: disabled
    with running_server(index, DOCENT_ADMIN_API_KEY=KEY, DOCENT_RELOAD_INTERVAL_S="0") as base:
        assert httpx.get(f"{base}/v1/admin/index").status_code == 401
        wrong = httpx.get(f"{base}/v1/admin/index", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"  # unknown key
        assert httpx.get(f"{base}/v1/admin/index", headers=ADMIN).status_code == 200
        assert httpx.get(f"{base}/v1/admin/jobs/unknown", headers=ADMIN).status_code == 404
        bad = httpx.post(f"{base}/v1/admin/index/rollback", headers=ADMIN, json={"version": "../../etc"})
        assert bad.status_code == 422
