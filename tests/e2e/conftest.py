import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS

SMALL = [
    "healthcare/asthma.md",
    "healthcare/influenza.md",
    "law/security-deposits.md",
    "law/small-claims-court.md",
    "education/fafsa.md",
    "education/note-taking.md",
]


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Six bundled documents (two per domain) and the bundled domains.yaml, in a folder of its own."""
    root = tmp_path / "corpus"
    for rel in SMALL:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, root / rel)
    shutil.copyfile(CORPUS / "domains.yaml", root / "domains.yaml")
    return root


def extra_document(title: str, sentence: str) -> str:
    body = " ".join([sentence] + [f"{title} paragraph sentence {i} adds detail for readers." for i in range(5)])
    return f"---\ntitle: {title}\ndomain: law\n---\n\n# {title}\n\n## Overview\n\n{body}\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(index_dir: Path, log_file: Path | None = None, **env: str):
    """`docent serve` under uvicorn on a free port; yields the base URL once /readyz says ready.

    The server's output goes to ``log_file`` (a temporary file by default), never to a pipe that
    nobody reads: one JSON line per request would fill it and block the server."""
    port = free_port()
    log_file = log_file or index_dir.parent / f"server-{port}.log"
    output = open(log_file, "wb")  # closed in finally
    process = subprocess.Popen(
        [sys.executable, "-m", "docent", "serve", "--index", str(index_dir), "--port", str(port)],
        env=os.environ | {"HF_HUB_OFFLINE": "1"} | env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited: {log_file.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not become ready")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(20)
        output.close()
