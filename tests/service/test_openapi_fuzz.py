"""Property-based fuzzing of every route with schemathesis, from the app's own OpenAPI schema.

The app runs the real pipeline (real model, FAISS, SQLite) over a small index of four bundled
documents, with keys on (a chat key and an admin key, as in production; requests carry the admin
key, which may also chat) and the rate limit off so every generated request reaches a route. Positive and negative data; every response must be a
non-5xx that matches the documented status codes, content types, headers and body schemas.
"""

from __future__ import annotations

import hashlib
import shutil

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from ragcore.conversations import SQLiteConversationStore
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings
from service.app import create_app
from tests.conftest import CORPUS, ingest

ADMIN_KEY = "fuzz-admin-key-0001"
CHAT_KEY_HASH = hashlib.sha256(b"fuzz-chat-key-0002").hexdigest()
SMALL = ["healthcare/asthma.md", "law/security-deposits.md", "education/fafsa.md", "education/note-taking.md"]
EXAMPLES_PER_OPERATION = 200


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("fuzz")
    corpus = root / "corpus"
    for rel in SMALL:
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, corpus / rel)
    shutil.copyfile(CORPUS / "domains.yaml", corpus / "domains.yaml")
    ingest(corpus, root / "index", embedder)
    config = Settings(
        index_dir=root / "index",
        corpus_dir=corpus,
        reload_interval_s=0,
        admin_api_key=ADMIN_KEY,
        api_keys=f"chat:{CHAT_KEY_HASH}",
        limits={"rate_limiter": "off"},
    )
    pipeline = build_pipeline(config, embedder=embedder, conversations=SQLiteConversationStore(":memory:"))
    app = create_app(config, pipeline_factory=lambda _: pipeline)
    with TestClient(app):
        assert app.state.holder.ready.wait(60) and app.state.holder.pipeline is not None
        yield app


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the app's OpenAPI schema (building the app loads nothing)."""
    paths = create_app(Settings(reload_interval_s=0)).openapi()["paths"]
    return [(method.upper(), path) for path, operations in paths.items() for method in operations]


@pytest.mark.parametrize("method, path", _operations())
def test_every_route_survives_fuzzing(api_schema, method, path):
    operation = api_schema[path][method]
    strategy = st.one_of(operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE))
    statuses: list[int] = []

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def fuzz(case):
        response = case.call_and_validate(headers={"Authorization": f"Bearer {ADMIN_KEY}"})
        statuses.append(response.status_code)

    fuzz()
    assert statuses and max(statuses) < 500
