"""Query latency of the whole extractive chat pipeline, in-process and over HTTP (``docent serve``
under uvicorn on 127.0.0.1), as a ratio to embedding the query alone, per embedding backend.

Same questions, same index, same run: ``pipeline.chat(q)`` wall time, ``POST /v1/chat`` wall time
seen by a keep-alive client, and ``embedder.embed_query(q)`` wall time. The three are taken in turn
for each question (embed, in-process chat, HTTP chat, then the next question), so a change in the
machine's load reaches both sides of each ratio alike. The HTTP client is the standard library's
``http.client`` on one kept-alive connection, in this process (the server is another process, so
the two never share a GIL); the server's log goes to a file, never to an unread pipe.

    .venv/bin/python -m bench.latency_bench                      # var/index (its backend from its manifest)
    .venv/bin/python -m bench.latency_bench --index var/index --index var/index-int8 --rounds 3
    .venv/bin/python -m bench.latency_bench --no-http --limit 100 --out /tmp/latency.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.common import PROJECT
from bench.workspace import Workspace, ratio, summary
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
    # the rate limiter stays on the path, with a rate no benchmark reaches (the default, 5/s, refuses a
    # client that asks one question after another)
    env |= {"DOCENT_LIMITS__RATE_PER_S": "100000", "DOCENT_LIMITS__BURST": "100000"}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:  # a pipe nobody reads would stall the server once it fills up
        process = subprocess.Popen(
            [sys.executable, "-m", "docent", "serve", "--index", str(index_dir), "--port", str(port)],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"docent serve exited: {log.read().decode(errors='replace')[-2000:]}")
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


class KeepAliveClient:
    """``POST /v1/chat`` on one persistent HTTP/1.1 connection (``http.client``: a few tens of
    microseconds of client work per request, so the figure is the server's, not the client's)."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)

    def chat(self, message: str) -> dict:
        body = json.dumps({"message": message})
        self.connection.request("POST", "/v1/chat", body, {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"POST /v1/chat answered {response.status}: {payload[:500]!r}")
        return json.loads(payload)

    def close(self) -> None:
        self.connection.close()


def interleaved_ms(
    calls: dict[str, Callable[[str], object]], questions: list[str], *, rounds: int = 1, warmup: int = 5
) -> dict[str, list[float]]:
    """Wall time in ms of each call per question, the calls taken in turn for each question (after
    ``warmup`` untimed questions), ``rounds`` times over the questions."""
    for q in questions[:warmup]:
        for call in calls.values():
            call(q)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for q in questions:
            for name, call in calls.items():
                t0 = time.perf_counter()
                call(q)
                times[name].append(1000 * (time.perf_counter() - t0))
    return times


def chat_pipeline(index_dir: Path, embedder: Embedder):  # type: ignore[no-untyped-def]
    """The pipeline ``docent serve`` builds, in this process, with an in-memory conversation store."""
    from ragcore.conversations import SQLiteConversationStore
    from ragcore.pipeline import build_pipeline
    from ragcore.settings import Settings

    return build_pipeline(
        Settings(index_dir=index_dir, reload_interval_s=0),
        embedder=embedder,
        conversations=SQLiteConversationStore(":memory:"),
    )


def measure(
    index_dir: Path, embedder: Embedder, questions: list[str], *, backend: str, http: bool = True, rounds: int = 1
) -> dict:
    pipeline = chat_pipeline(index_dir, embedder)
    calls: dict[str, Callable[[str], object]] = {"embed": embedder.embed_query, "chat": pipeline.chat}
    result: dict = {"backend": backend, "questions": len(questions), "rounds": rounds}
    with ExitStack() as stack:
        if http:
            base, ready = stack.enter_context(serve(index_dir, backend=backend))
            client = KeepAliveClient(base)
            stack.callback(client.close)
            calls["http"] = client.chat
            result["server_ready_seconds"] = round(ready, 2)
        times = interleaved_ms(calls, questions, rounds=rounds)
    embed, chat = summary(times["embed"]), summary(times["chat"])
    result |= {
        "embed_ms": embed,
        "chat_in_process_ms": chat,
        "in_process_vs_embed": ratio(chat, embed),
        "target_in_process_vs_embed": 2.0,
    }
    if http:
        over_http = summary(times["http"])
        result |= {"chat_http_ms": over_http, "http_vs_embed": ratio(over_http, embed), "target_http_vs_embed": 3.0}
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


def _backend_of(index_dir: Path) -> str:
    from ragcore.index_store import MANIFEST, IndexStore

    manifest = json.loads((IndexStore(index_dir).require_current() / MANIFEST).read_text(encoding="utf-8"))
    return str(manifest.get("embedding", {}).get("backend", "torch"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--index",
        type=Path,
        action="append",
        help="index directory, repeatable (default var/index); "
        "each is queried with the embedding backend its manifest records",
    )
    parser.add_argument(
        "--dataset",
        type=Path,
        default=PROJECT / "evals" / "datasets" / "dev.jsonl",
        help="questions (items without history)",
    )
    parser.add_argument("--limit", type=int, default=100, help="questions taken from the dataset (default 100)")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the questions (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="embedding threads here and in the server (0: default)")
    parser.add_argument("--no-http", action="store_true", help="in-process only")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON result here too")
    args = parser.parse_args(argv)
    os.environ["DOCENT_EMBED_THREADS"] = str(args.threads)  # this process's embedders and the servers
    from evals.datasets import load_dataset
    from ragcore.embedding_backends import make_embedder
    from ragcore.settings import Settings

    questions = [i.question for i in load_dataset(args.dataset) if not i.history][: args.limit]
    by_backend = {}
    for index_dir in args.index or [PROJECT / "var" / "index"]:
        backend = _backend_of(index_dir)
        embedder = make_embedder(Settings(index_dir=index_dir, embedding_backend=backend, embed_threads=args.threads))
        by_backend[f"{backend} ({index_dir})"] = measure(
            index_dir, embedder, questions, backend=backend, http=not args.no_http, rounds=args.rounds
        )
    result = {"dataset": str(args.dataset), "cpus": os.cpu_count(), "by_backend": by_backend}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
