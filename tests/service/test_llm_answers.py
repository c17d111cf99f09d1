"""The ``llm`` generator through the real pipeline (real model, FAISS, SQLite), with LangChain's
``GenericFakeChatModel`` scripting what the language model writes."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from ragcore.conversations import SQLiteConversationStore
from ragcore.pipeline import build_pipeline
from ragcore.settings import LLMSettings, Settings
from service.app import create_app
from tests.llm_fakes import Failing, Hanging, number_of, passages_for, script

ASTHMA = "How is asthma treated?"
FAITHFUL = "Quick-relief inhalers like albuterol relax the airway muscles within minutes"


@pytest.fixture(scope="module")
def llm_pipeline(bundled_index, embedder):
    settings = Settings(
        index_dir=bundled_index,
        generator="openai",
        llm=LLMSettings(timeout_s=1.0, max_retries=1, backoff_s=0.0, breaker_failures=3, breaker_reset_s=600),
    )
    return build_pipeline(
        settings, embedder=embedder, conversations=SQLiteConversationStore(":memory:"), chat_model=object()
    )


def quotes_are_exact(pipeline, result) -> None:
    for c in result.citations:
        assert pipeline.serving.index.catalog.document(c.doc_id).text[c.char_start : c.char_end] == c.quote
        assert f"[{c.n}]" in result.answer


def test_faithful_cited_sentence_is_kept_with_its_exact_quote(llm_pipeline):
    passages = passages_for(llm_pipeline, ASTHMA)
    n = number_of(passages, "albuterol")
    script(llm_pipeline, [f"{FAITHFUL} [{n}]."])
    result = llm_pipeline.chat(ASTHMA)
    assert result.generator == "llm:openai" and result.refusal is None
    assert result.answer == f"{FAITHFUL}. [1]"
    [citation] = result.citations
    assert citation.quote == passages[n - 1].sentence.text and citation.doc_id == "healthcare/asthma.md"
    quotes_are_exact(llm_pipeline, result)


def test_uncited_sentence_is_removed_and_the_cited_one_kept(llm_pipeline):
    n = number_of(passages_for(llm_pipeline, ASTHMA), "albuterol")
    script(llm_pipeline, [f"{FAITHFUL} [{n}]. Most doctors also recommend daily yoga for asthma."])
    result = llm_pipeline.chat(ASTHMA)
    assert result.generator == "llm:openai"
    assert "yoga" not in result.answer and "albuterol" in result.answer
    assert len(result.citations) == 1


def test_sentence_citing_the_wrong_passage_is_removed(llm_pipeline):
    passages = passages_for(llm_pipeline, ASTHMA)
    right = number_of(passages, "albuterol")
    wrong = number_of(passages, "action plan at school")
    claim = "A spacer attached to an inhaler helps more medicine reach the lungs"
    spacer = number_of(passages, "spacer")
    script(llm_pipeline, [f"{FAITHFUL} [{wrong}]. {claim} [{spacer}]."])
    result = llm_pipeline.chat(ASTHMA)
    assert result.generator == "llm:openai"
    assert "albuterol" not in result.answer and claim in result.answer
    [citation] = result.citations
    assert citation.quote == passages[spacer - 1].sentence.text
    assert right != wrong


def test_fully_unsupported_answer_falls_back_to_the_extractive_answer(llm_pipeline, pipeline):
    script(llm_pipeline, ["Asthma is cured by eating chocolate every day [1]. The moon is made of cheese [2]."])
    result = llm_pipeline.chat(ASTHMA)
    assert result.generator == "extractive"
    assert "chocolate" not in result.answer and "cheese" not in result.answer
    assert result.answer == pipeline.chat(ASTHMA).answer
    quotes_are_exact(llm_pipeline, result)


def test_unsupported_answer_is_refused_when_the_fallback_is_refuse(llm_pipeline):
    generator = llm_pipeline.serving.generator
    original = generator.settings
    generator.settings = original.model_copy(update={"fallback": "refuse"})
    try:
        script(llm_pipeline, ["I cannot answer that from my sources."])
        result = llm_pipeline.chat(ASTHMA)
    finally:
        generator.settings = original
    assert result.refusal is not None and result.refusal.reason == "insufficient_evidence"
    assert result.citations == []


def test_backend_exception_is_retried_then_falls_back(llm_pipeline):
    failing = Failing()
    script(llm_pipeline, failing)
    result = llm_pipeline.chat(ASTHMA)
    assert failing.calls == 2  # one call and one retry (max_retries=1)
    assert result.generator == "extractive" and result.refusal is None and result.citations
    quotes_are_exact(llm_pipeline, result)


def test_timeout_falls_back(llm_pipeline):
    hanging = Hanging()
    script(llm_pipeline, hanging)
    try:
        result = llm_pipeline.chat(ASTHMA)
    finally:
        hanging.released.set()
    assert result.generator == "extractive" and result.citations


def test_open_circuit_breaker_skips_the_model_until_it_resets(llm_pipeline):
    failing = Failing()
    script(llm_pipeline, failing)
    for _ in range(3):  # breaker_failures=3 failed calls open it
        assert llm_pipeline.chat(ASTHMA).generator == "extractive"
    calls = failing.calls
    assert llm_pipeline.chat_model.breaker.state == "open"
    result = llm_pipeline.chat(ASTHMA)
    assert failing.calls == calls  # not even tried
    assert result.generator == "extractive" and result.citations


def test_follow_up_is_condensed_by_the_model(llm_pipeline):
    n = number_of(passages_for(llm_pipeline, ASTHMA), "albuterol")
    script(llm_pipeline, [f"{FAITHFUL} [{n}].", "How is asthma treated in children?", f"{FAITHFUL} [{n}]."])
    first = llm_pipeline.chat(ASTHMA)
    follow = llm_pipeline.chat("And for kids?", first.conversation_id)
    assert follow.rewritten_query == "How is asthma treated in children?"


def test_unusable_condensed_question_keeps_the_extractive_rewrite(llm_pipeline):
    script(llm_pipeline, ["nothing supported [1]."])
    first = llm_pipeline.chat("What is asthma?")
    script(llm_pipeline, ["Sure!\nHere are three questions:\n1. a\n2. b", "nothing supported [1]."])
    follow = llm_pipeline.chat("How is it treated?", first.conversation_id)
    assert follow.rewritten_query == "How is it treated? (asthma)"


# -- streaming ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def llm_client(llm_pipeline, bundled_index):
    app = create_app(Settings(index_dir=bundled_index, reload_interval_s=0), pipeline_factory=lambda _: llm_pipeline)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert app.state.holder.ready.wait(60)
        yield client


def test_stream_sends_meta_tokens_verified_citations_then_the_authoritative_done(llm_pipeline, llm_client):
    n = number_of(passages_for(llm_pipeline, ASTHMA), "albuterol")
    script(llm_pipeline, [f"{FAITHFUL} [{n}]. Asthma is cured by eating chocolate [{n}]."])
    with llm_client.stream("POST", "/v1/chat", json={"message": ASTHMA, "stream": True}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse("".join(response.iter_text()))
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "meta" and kinds[-1] == "done"
    first_citation = kinds.index("citation")
    assert set(kinds[1:first_citation]) == {"token"} and set(kinds[first_citation:-1]) == {"citation"}
    meta, done = events[0][1], events[-1][1]
    assert meta == {"conversation_id": done["conversation_id"], "rewritten_query": ASTHMA, "domain": "healthcare"}
    streamed = "".join(data["text"] for kind, data in events if kind == "token")
    assert "chocolate" in streamed  # the draft was previewed ...
    assert "chocolate" not in done["answer"] and "albuterol" in done["answer"]  # ... and retracted by done
    assert [data for kind, data in events if kind == "citation"] == done["citations"]
    assert done["generator"] == "llm:openai"


def test_accept_header_streams_an_extractive_fallback_the_same_way(llm_pipeline, llm_client):
    script(llm_pipeline, Failing())
    response = llm_client.post("/v1/chat", json={"message": ASTHMA}, headers={"Accept": "text/event-stream"})
    events = parse_sse(response.text)
    kinds = [kind for kind, _ in events]
    done = events[-1][1]
    assert kinds[0] == "meta" and kinds[-1] == "done" and "token" in kinds and "citation" in kinds
    assert done["generator"] == "extractive"
    assert "".join(data["text"] for kind, data in events if kind == "token") == done["answer"]


@pytest.mark.parametrize("message", ["What's a good pasta recipe?", "thanks!"])  # the second never reaches retrieval
def test_stream_of_a_refusal_has_a_refusal_event_and_no_citations(llm_client, message):
    events = parse_sse(llm_client.post("/v1/chat", json={"message": message, "stream": True}).text)
    kinds = [kind for kind, _ in events]
    assert kinds == ["meta", "refusal", "done"]
    assert events[1][1]["reason"] == "out_of_scope" and events[2][1]["citations"] == []


def test_stream_with_unknown_conversation_is_a_json_404(llm_client):
    response = llm_client.post("/v1/chat", json={"message": ASTHMA, "stream": True, "conversation_id": "nope"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "conversation_not_found"


def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events
