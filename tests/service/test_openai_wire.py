"""The openai backend on the wire: a minimal chat-completions server written here checks the
request Docent sends (path, key, model, streamed messages with the untrusted evidence block) and
replies with streaming chunks that Docent must parse into a verified answer."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ragcore.conversations import SQLiteConversationStore
from ragcore.pipeline import build_pipeline
from ragcore.settings import LLMSettings, OpenAIBackendSettings, Settings

FAITHFUL = "Quick-relief inhalers like albuterol relax the airway muscles within minutes"


class ChatCompletions(BaseHTTPRequestHandler):
    """Answers ``POST /v1/chat/completions`` by citing the evidence line that mentions albuterol."""

    requests: list[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        )
        if type(self).status != 200:
            self._send(type(self).status, "application/json", json.dumps({"error": {"message": "overloaded"}}))
            return
        prompt = body["messages"][-1]["content"]
        found = re.search(r"^\[(\d+)\] [^\n]*albuterol", prompt, re.MULTILINE)
        reply = f"{FAITHFUL} [{found.group(1)}]." if found else "I cannot answer that from my sources."
        if not body.get("stream"):
            message = {"role": "assistant", "content": reply}
            completion = {
                "id": "c1",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            }
            self._send(200, "application/json", json.dumps(completion))
            return
        words = re.findall(r"\S+\s*", reply)
        chunks = [{"role": "assistant", "content": ""}] + [{"content": w} for w in words]
        events = [
            {
                "id": "c1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            for delta in chunks
        ]
        events.append(
            {
                "id": "c1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }
        )
        self._send(200, "text/event-stream", "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n")

    def _send(self, status: int, content_type: str, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


@pytest.fixture(scope="module")
def wire_pipeline(server, bundled_index, embedder):
    settings = Settings(
        index_dir=bundled_index,
        generator="openai",
        llm=LLMSettings(
            max_retries=0,
            breaker_failures=100,
            openai=OpenAIBackendSettings(base_url=server, api_key="sk-docent-test", model="docent-wire-test"),
        ),
    )
    return build_pipeline(settings, embedder=embedder, conversations=SQLiteConversationStore(":memory:"))


def test_request_and_streamed_reply_over_the_chat_completions_wire(wire_pipeline):
    ChatCompletions.requests.clear()
    result = wire_pipeline.chat("How is asthma treated?")
    [request] = ChatCompletions.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer sk-docent-test"
    body = request["body"]
    assert body["model"] == "docent-wire-test" and body["stream"] is True and body["temperature"] == 0.0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "untrusted" in body["messages"][0]["content"]
    assert "<evidence>" in body["messages"][1]["content"]
    assert "Question: How is asthma treated?" in body["messages"][1]["content"]
    assert result.generator == "llm:openai"
    assert result.answer == f"{FAITHFUL}. [1]"
    [citation] = result.citations
    assert "albuterol" in citation.quote and citation.doc_id == "healthcare/asthma.md"


def test_server_error_degrades_to_the_extractive_answer(wire_pipeline):
    ChatCompletions.status = 503
    try:
        result = wire_pipeline.chat("How is asthma treated?")
    finally:
        ChatCompletions.status = 200
    assert result.generator == "extractive" and result.refusal is None and result.citations
