"""Load test: `docent serve` under uvicorn on 127.0.0.1 over the bundled corpus, driven by an async
httpx loop (default 60 s, 16 concurrent clients) with the development set's questions.

Reports requests/s, p50/p95/max latency, errors (any non-200 or transport error), the server
process's peak resident memory (VmHWM), and p50 under load as a ratio to the single-request p50
measured in the same run, one request at a time right after the load, on the warm server. The
first requests after start-up are slower (p50 155 ms against 63 ms warm on a quiet machine), so
that cold figure, measured before the load, is reported apart. The rate limit is off for the run.

    .venv/bin/python -m bench.load_bench [--duration 60] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import PROJECT, write_result
from evals.metrics import percentiles
from ingest.runner import run_ingest
from ragcore.settings import Settings

QUICK_DOCS = ["healthcare/asthma.md", "law/security-deposits.md", "education/fafsa.md"]


def run(*, duration_s: float = 60.0, concurrency: int = 16, quick: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _quick_corpus(Path(tmp) / "corpus") if quick else PROJECT / "corpus"
        index = Path(tmp) / "index" if quick else PROJECT / "var" / "bench" / "load-index"
        run_ingest(Settings(index_dir=index, corpus_dir=corpus), corpus)  # a no-op when the index is current
        questions = _questions()
        with _server(index, Path(tmp) / "server.log") as (base, pid):
            cold = _single_request_latencies(base, questions, n=5 if quick else 30)
            result = asyncio.run(_load(base, questions, duration_s=duration_s, concurrency=concurrency))
            warm = _single_request_latencies(base, questions, n=5 if quick else 60)
            result["peak_rss_mb"] = _peak_rss_mb(pid)
    latencies = result.pop("latencies")
    load_ms, single_ms = percentiles(latencies), percentiles(warm)
    return {
        "corpus": "quick (3 documents)" if quick else "bundled corpus/",
        "duration_s": duration_s,
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": result["errors"],
        "error_examples": result["error_examples"],
        "requests_per_s": round(len(latencies) / result["elapsed_s"], 2),
        "latency_ms": load_ms,
        "single_request_latency_ms": single_ms,
        "cold_single_request_latency_ms": percentiles(cold),
        "p50_vs_single_request": _ratio(load_ms["p50"], single_ms["p50"]),
        "peak_rss_mb": result["peak_rss_mb"],
    }


def _quick_corpus(root: Path) -> Path:
    for rel in QUICK_DOCS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / "corpus" / rel, root / rel)
    shutil.copyfile(PROJECT / "corpus" / "domains.yaml", root / "domains.yaml")
    return root


def _questions() -> list[str]:
    lines = (PROJECT / "evals" / "datasets" / "dev.jsonl").read_text().splitlines()
    return [item["question"] for item in map(json.loads, lines) if not item["history"]]


class _server:
    """`docent serve` on a free loopback port; yields (base URL, pid) once /readyz is 200."""

    def __init__(self, index: Path, log_path: Path) -> None:
        self.index, self.log_path = index, log_path

    def __enter__(self) -> tuple[str, int]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = os.environ | {
            "HF_HUB_OFFLINE": "1",
            "DOCENT_LIMITS__RATE_LIMITER": "off",  # the load test measures the pipeline, not the limiter
            "DOCENT_RELOAD_INTERVAL_S": "0",
        }
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [sys.executable, "-m", "docent", "serve", "--index", str(self.index), "--host", "127.0.0.1",
             "--port", str(port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    return base, self.process.pid
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("server did not become ready in 180 s")

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def _single_request_latencies(base: str, questions: list[str], *, n: int) -> list[float]:
    """One request at a time (after three warm-up requests): the latency without contention."""
    out = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(n + 3):
            t0 = time.perf_counter()
            response = client.post("/v1/chat", json={"message": questions[i % len(questions)]})
            elapsed = (time.perf_counter() - t0) * 1000
            response.raise_for_status()
            if i >= 3:
                out.append(elapsed)
    return out


async def _load(base: str, questions: list[str], *, duration_s: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        start = time.perf_counter()
        deadline = start + duration_s

        async def worker(offset: int) -> None:
            i = offset
            while time.perf_counter() < deadline:
                question = questions[i % len(questions)]
                i += concurrency
                t0 = time.perf_counter()
                try:
                    response = await client.post("/v1/chat", json={"message": question})
                    if response.status_code != 200:
                        errors.append(f"{response.status_code}: {response.text[:200]}")
                        continue
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)

        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        elapsed = time.perf_counter() - start
    return {"latencies": latencies, "errors": len(errors), "error_examples": errors[:5], "elapsed_s": elapsed}


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (Linux ``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmHWM for process {pid}")


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    args = parser.parse_args(argv)
    result = run(duration_s=args.duration, concurrency=args.concurrency)
    write_result("load", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
