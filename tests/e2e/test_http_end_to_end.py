"""The whole path through real HTTP: `docent serve` under uvicorn on a free port, the real
embedding model, FAISS and SQLite, over the bundled corpus ingested by the session fixture."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.e2e.conftest import running_server


@pytest.fixture(scope="module")
def server(bundled_index):
    with running_server(bundled_index, DOCENT_RELOAD_INTERVAL_S="0") as base:
        yield base


@pytest.mark.parametrize(
    "question, domain, expected_doc",
    [
        ("How is asthma treated?", "healthcare", "healthcare/asthma.md"),
        ("Can my landlord keep my security deposit for normal wear and tear?", "law", "law/security-deposits.md"),
        ("Can my parents see my college grades under FERPA?", "education", "education/ferpa-student-records.md"),
    ],
)
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


@pytest.mark.parametrize(
    "question",
    [
        "What is the treatment for Fabry disease?",
        "What is the dosage of warfarin after a heart valve replacement?",
    ],
)
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
    run = subprocess.run(
        [sys.executable, "-m", "docent", "serve", "--index", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "docent ingest" in run.stderr and "Traceback" not in run.stderr


def test_ingest_of_an_empty_folder_explains_what_it_expected(tmp_path):
    (tmp_path / "empty").mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "docent", "ingest", str(tmp_path / "empty"), "--index", str(tmp_path / "idx")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "<root>/<domain>/" in run.stderr and "Traceback" not in run.stderr
