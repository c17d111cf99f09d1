"""Query latency of the whole extractive chat pipeline, in-process and over HTTP (``docent serve``
under uvicorn on 127.0.0.1), as a ratio to embedding the query alone, per embedding backend.

Same questions, same index, same run: ``pipeline.chat(q)`` wall time, ``POST /v1/chat`` wall time
seen by a keep-alive client, and ``embedder.embed_query(q)`` wall time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import PROJECT
from bench.workspace import Workspace, latency_ms, ratio, summary
from ragcore.embedding import Embedder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(index_dir: Path, *, backend: str, timeout: float = 600) -> Iterator[tuple[str, float]]:
    """``docent serve`` on a free port; yields (base URL, seconds until /readyz answered 200)."""
    import httpx

    port = free_port()
    env = os.environ | {"HF_HUB_OFFLINE": "1", "DOCENT_EMBEDDING_BACKEND": backend, "DOCENT_RELOAD_INTERVAL_S": "0"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "docent", "serve", "--index", str(index_dir), "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"docent serve exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"docent serve was not ready after {timeout:.0f} s")
            time.sleep(0.05)
        yield base, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(index_dir: Path, embedder: Embedder, questions: list[str], *, backend: str, http: bool = True) -> dict:
    import httpx

    from ragcore.conversations import SQLiteConversationStore
    from ragcore.pipeline import build_pipeline
    from ragcore.settings import Settings

    pipeline = build_pipeline(
        Settings(index_dir=index_dir, reload_interval_s=0),
        embedder=embedder,
        conversations=SQLiteConversationStore(":memory:"),
    )
    embed = summary(latency_ms(embedder.embed_query, questions))
    chat = summary(latency_ms(pipeline.chat, questions))
    result = {
        "backend": backend,
        "questions": len(questions),
        "embed_ms": embed,
        "chat_in_process_ms": chat,
        "in_process_vs_embed": ratio(chat, embed),
        "target_in_process_vs_embed": 2.0,
    }
    if http:
        with serve(index_dir, backend=backend) as (base, ready), httpx.Client(base_url=base, timeout=60) as client:

            def post(q: str) -> None:
                client.post("/v1/chat", json={"message": q}).raise_for_status()

            over_http = summary(latency_ms(post, questions))
        result |= {
            "server_ready_seconds": round(ready, 2),
            "chat_http_ms": over_http,
            "http_vs_embed": ratio(over_http, embed),
            "target_http_vs_embed": 3.0,
        }
    return result


def run(workspace: Workspace, embedders: dict[str, Embedder], *, http: tuple[str, ...] | None = None) -> dict:
    """Per backend; over HTTP too for the backends in ``http`` (default: all)."""
    questions = [item.question for item in workspace.questions]
    return {
        "index": workspace.source,
        "by_backend": {
            name: measure(workspace.index(name), embedder, questions, backend=name, http=http is None or name in http)
            for name, embedder in embedders.items()
        },
    }
