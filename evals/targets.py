"""Where evaluation items are sent: the pipeline in-process, or a running server over HTTP.

Both expose the same three calls, so the same items give the same scores either way.
"""

from __future__ import annotations

import time
from typing import Protocol

import httpx

from evals.ranking import documents_in_order


class ChatTarget(Protocol):
    def chat(self, message: str, conversation_id: str | None) -> dict: ...

    def search(self, query: str, k: int) -> list[str]:
        """Document ids of the top ``k`` retrieved chunks, each at its best chunk's rank."""
        ...

    def document_text(self, doc_id: str) -> str: ...


class InProcessTarget:
    def __init__(self, pipeline) -> None:  # type: ignore[no-untyped-def]
        self.pipeline = pipeline

    def chat(self, message: str, conversation_id: str | None) -> dict:
        return self.pipeline.chat(message, conversation_id).to_dict()

    def search(self, query: str, k: int) -> list[str]:
        return documents_in_order([h.record.doc_id for h in self.pipeline.search(query, k=k)])

    def document_text(self, doc_id: str) -> str:
        return self.pipeline.serving.index.catalog.document(doc_id).text


class HttpTarget:
    def __init__(self, base_url: str, *, api_key: str | None = None, timeout: float = 60.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers=headers)
        self._documents: dict[str, str] = {}

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
        """One request; a 429 (the server's rate limit) is retried after its ``Retry-After``."""
        for _ in range(30):
            response = self.client.request(method, url, **kwargs)
            if response.status_code != 429:
                break
            time.sleep(float(response.headers.get("Retry-After", "1")))
        response.raise_for_status()
        return response

    def chat(self, message: str, conversation_id: str | None) -> dict:
        body = {"message": message} | ({"conversation_id": conversation_id} if conversation_id else {})
        return self._send("POST", "/v1/chat", json=body).json()

    def search(self, query: str, k: int) -> list[str]:
        response = self._send("POST", "/v1/search", json={"query": query, "k": k})
        return documents_in_order([h["doc_id"] for h in response.json()["hits"]])

    def document_text(self, doc_id: str) -> str:
        if doc_id not in self._documents:
            response = self._send("GET", f"/v1/documents/{doc_id}")
            self._documents[doc_id] = response.json()["text"]
        return self._documents[doc_id]
