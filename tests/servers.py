"""Real servers the tests start for themselves on free 127.0.0.1 ports, in temporary folders:
Debian's ``redis-server`` and the Milvus standalone server from the ``milvus`` package.
CI starts with nothing running, so nothing here assumes a server is already up."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return ""


def _die_with_parent(sig: int):  # type: ignore[no-untyped-def]
    """A ``preexec_fn``: the server gets ``sig`` if pytest dies without tearing down (Linux only)."""

    def arm() -> None:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG

    return arm if sys.platform.startswith("linux") else None


def _stop(process: subprocess.Popen, sig: int, grace_s: float) -> None:
    """Stop the process group we started (the server and its children), by its id."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A throw-away ``redis-server`` (no persistence); yields its ``redis://`` URL."""
    import redis

    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(exe).exists():
        pytest.fail(
            "redis-server is missing: `make test` installs Debian's redis-server (apt-get install redis-server)"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "redis.log"
    command = [
        exe,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(workdir),
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    with open(log, "w") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent(signal.SIGTERM),
        )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"redis-server exited: {_log_tail(log)}")
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not answer on port {port}: {_log_tail(log)}")
                time.sleep(0.1)
        client.close()
        yield url
    finally:
        _stop(process, signal.SIGTERM, 10)


@contextmanager
def milvus_server(workdir: Path) -> Iterator[str]:
    """The Milvus standalone server (``milvus-server`` from the ``milvus`` package, embedded etcd and
    local storage); yields its ``http://`` URI once it answers. Its embedded etcd always listens on
    127.0.0.1:2379, so one runs per machine at a time."""
    from pymilvus import MilvusClient

    exe = Path(sys.executable).parent / "milvus-server"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: `make setup` installs the milvus package (the standalone server)")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "milvus-server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(exe), "--data", str(workdir / "milvus"), "--proxy-port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops the server binary too
            preexec_fn=_die_with_parent(signal.SIGINT),  # milvus-server stops its server binary on SIGINT
        )
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if process.poll() is not None:
                pytest.fail(f"milvus-server exited: {_log_tail(log)}")
            try:
                client = MilvusClient(uri=uri, timeout=3)
                client.list_collections()
                client.close()
                break
            except Exception:
                if time.monotonic() > deadline:
                    pytest.fail(f"Milvus did not answer at {uri}: {_log_tail(log)}")
                time.sleep(1)
        yield uri
    finally:
        _stop(process, signal.SIGINT, 30)  # milvus-server stops its server binary on SIGINT
