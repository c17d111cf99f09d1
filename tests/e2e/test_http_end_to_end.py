"""The whole path through real HTTP: `docent serve` under uvicorn on a free port, the real
embedding model, FAISS and SQLite, over the bundled corpus ingested by the session fixture."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(bundled_index):
    port = free_port()
    env = os.environ | {"HF_HUB_OFFLINE": "1", "DOCENT_RELOAD_INTERVAL_S": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "docent", "serve", "--index", str(bundled_index), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"server exited: {process.stdout.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("server did not become ready")
        yield base
    finally:
        process.terminate()
        process.wait(20)


@pytest.mark.parametrize("question, domain, expected_doc", [
    ("How is asthma treated?", "healthcare", "healthcare/asthma.md"),
    ("Can my landlord keep my security deposit for normal wear and tear?", "law", "law/security-deposits.md"),
    ("Can my parents see my college grades under FERPA?", "education", "education/ferpa-student-records.md"),
])
def test_in_scope_answer_has_verifiable_citations(server, question, domain, expected_doc):
    result = httpx.post(f"{server}/v1/chat", json={"message": question}, timeout=30).json()
    assert result["refusal"] is None and result["domain"] == domain
    assert result["citations"] and expected_doc in {c["doc_id"] for c in result["citations"]}
    for citation in result["citations"]:
        document = httpx.get(f"{server}/v1/documents/{citation['doc_id']}", timeout=10).json()
        assert document["text"][citation["char_start"] : citation["char_end"]] == citation["quote"]
        assert citation["quote"] in result["answer"] and f"[{citation['n']}]" in result["answer"]
    assert result["index_version"] and result["timings_ms"]["total"] > 0


@pytest.mark.parametrize("question", ["What's a good pasta recipe?", "Who won the 2018 World Cup?"])
def test_out_of_scope_is_refused_without_citations(server, question):
    result = httpx.post(f"{server}/v1/chat", json={"message": question}, timeout=30).json()
    assert result["refusal"]["reason"] == "out_of_scope" and result["citations"] == []


@pytest.mark.parametrize("question", [
    "What is the treatment for Fabry disease?",
    "What is the dosage of warfarin after a heart valve replacement?",
])
def test_unanswered_in_scope_question_is_insufficient_evidence(server, question):
    result = httpx.post(f"{server}/v1/chat", json={"message": question}, timeout=30).json()
    assert result["refusal"]["reason"] == "insufficient_evidence" and result["citations"] == []
    assert result["domain"] == "healthcare" and result["disclaimer"]


def test_bad_requests_get_json_errors_over_http(server):
    response = httpx.post(f"{server}/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
    response = httpx.post(f"{server}/v1/chat", json={"message": "y" * 5000})
    assert response.status_code == 422


def test_serve_fails_fast_without_an_index(tmp_path):
    run = subprocess.run([sys.executable, "-m", "docent", "serve", "--index", str(tmp_path / "none")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "docent ingest" in run.stderr and "Traceback" not in run.stderr


def test_ingest_of_an_empty_folder_explains_what_it_expected(tmp_path):
    (tmp_path / "empty").mkdir()
    run = subprocess.run([sys.executable, "-m", "docent", "ingest", str(tmp_path / "empty"), "--index",
                          str(tmp_path / "idx")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "<root>/<domain>/" in run.stderr and "Traceback" not in run.stderr
