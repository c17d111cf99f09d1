"""The container files, checked without a Docker engine.

``compose.yaml`` is parsed and its layout checked (replicas, Redis, Milvus, a one-off ingest job),
and its Docent environment is validated by the real ``Settings``. The ``Dockerfile`` is parsed and
every command it runs is run here, in order, in a fresh virtual environment: the same ``pip
install`` lines, the same build-time ingest, then the image's ``CMD`` and its ``HEALTHCHECK``.
Container paths (``/opt/venv``, ``/src``, ``/app``) map to folders under a temporary directory.
What cannot run outside Docker is said where it is skipped: ``useradd`` (it would add a user to this
machine; only its presence is checked) and ``USER``. The server binds 127.0.0.1 instead of
0.0.0.0, pip keeps its cache (the image disables it only to keep layers small), and ``torch``
comes from the package index configured here (``TORCH_INDEX_URL`` build argument) rather than the
PyTorch CPU index, which this machine cannot reach.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import PROJECT
from tests.e2e.conftest import free_port

BUILD_ARGS = {"TORCH_INDEX_URL": "https://pypi.org/simple"}


@dataclass
class Instruction:
    stage: int
    op: str
    args: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped; ``stage`` counts ``FROM``s."""
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stage, out = -1, []
    for line in logical:
        op, _, args = line.strip().partition(" ")
        op = op.upper()
        stage += op == "FROM"
        out.append(Instruction(stage, op, args.strip()))
    return out


def env_pairs(args: str) -> dict[str, str]:
    """``ENV A=1 B="two words"`` -> dict (the key=value form only, which the Dockerfile uses)."""
    pairs = dict(token.split("=", 1) for token in shlex.split(args))
    assert pairs, f"ENV without key=value pairs: {args}"
    return pairs


def as_command(args: str) -> list[str]:
    """Exec form (JSON array) as is; shell form through ``sh -c`` as Docker does."""
    return json.loads(args) if args.startswith("[") else ["sh", "-c", args]


DOCKERFILE = parse_dockerfile((PROJECT / "Dockerfile").read_text())


def test_dockerfile_is_multi_stage_slim_non_root_with_a_readiness_healthcheck():
    froms = [i.args for i in DOCKERFILE if i.op == "FROM"]
    assert len(froms) == 2 and all(f.startswith("python:3.11-slim") for f in froms)
    final = [i for i in DOCKERFILE if i.stage == 1]
    users = [i.args for i in final if i.op == "USER"]
    assert users and users[-1] not in ("root", "0")
    health = [i.args for i in final if i.op == "HEALTHCHECK"]
    assert len(health) == 1 and "/readyz" in health[0]
    assert any(i.op == "RUN" and i.args.startswith("docent ingest") for i in DOCKERFILE)  # ingested at build time
    assert not [i for i in DOCKERFILE if i.op in ("VOLUME", "ADD")]  # nothing fetched from URLs; config by env only


def test_compose_shows_replicas_on_redis_and_milvus_with_a_one_off_ingest():
    compose = yaml.safe_load((PROJECT / "compose.yaml").read_text())
    services = compose["services"]
    docent = services["docent"]
    assert docent["deploy"]["replicas"] >= 2 and docent["build"] == "."
    assert {"redis", "milvus", "ingest"} <= set(services)
    assert services["ingest"]["restart"] == "no" and services["ingest"]["command"][:2] == ["docent", "ingest"]
    assert docent["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
    env = {k: str(v) for k, v in docent["environment"].items()}
    assert env["DOCENT_STATE_BACKEND"] == "redis" and env["DOCENT_LIMITS__RATE_LIMITER"] == "redis"
    assert env["DOCENT_VECTOR_BACKEND"] == "milvus"
    assert env["DOCENT_REDIS_URL"].startswith("redis://redis:") and env["DOCENT_MILVUS_URI"].startswith(
        "http://milvus:"
    )
    # every DOCENT_ variable is one the service understands: the real Settings accept them all
    from ragcore.settings import Settings

    docent_env = {k: v for k, v in env.items() if k.startswith("DOCENT_")}
    known = {f"DOCENT_{name.upper()}" for name in Settings.model_fields}
    known |= {f"DOCENT_LIMITS__{name.upper()}" for name in Settings.model_fields["limits"].annotation.model_fields}
    assert set(docent_env) <= known, set(docent_env) - known
    saved = dict(os.environ)
    try:
        os.environ.update(docent_env)
        settings = Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert settings.state_backend == "redis" and settings.vector_backend == "milvus"
    assert settings.index_dir == Path("/app/var/index")


@pytest.mark.slow
def test_every_dockerfile_command_works_in_a_fresh_virtual_environment(tmp_path):
    paths = {"/opt/venv": tmp_path / "venv", "/src": tmp_path / "src", "/app": tmp_path / "app"}

    def local(text: str) -> str:
        for container, here in paths.items():
            text = re.sub(re.escape(container) + r"(?=/|\b|$)", str(here), text)
        return text

    shim = tmp_path / "shim"  # `python` is the image's interpreter: here, the base Python 3.11 (not a venv)
    shim.mkdir()
    (shim / "python").symlink_to(sys._base_executable)
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH") and not k.startswith("DOCENT_")
    }
    env["PATH"] = f"{shim}:/usr/local/bin:/usr/bin:/bin"
    stage_env: dict[str, str] = {}
    cwd = tmp_path
    server_command = health_command = None
    for step in DOCKERFILE:
        if step.op == "FROM":
            stage_env = {}
        elif step.op == "ARG":
            name, _, default = step.args.partition("=")
            stage_env[name] = BUILD_ARGS.get(name, default)
        elif step.op == "ENV":
            for key, value in env_pairs(step.args).items():
                if key != "PIP_NO_CACHE_DIR":
                    stage_env[key] = local(_expand(value, env | stage_env))
        elif step.op == "WORKDIR":
            cwd = Path(local(step.args))
            cwd.mkdir(parents=True, exist_ok=True)
        elif step.op == "COPY":
            _copy(step.args, cwd, local)
        elif step.op == "RUN" and step.args.startswith("useradd"):
            assert shutil.which("useradd"), "useradd is not on this machine"
        elif step.op == "RUN":
            run = subprocess.run(
                as_command(local(step.args)), cwd=cwd, env=env | stage_env, capture_output=True, text=True, timeout=900
            )
            assert run.returncode == 0, f"RUN {step.args} failed:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}"
        elif step.op == "HEALTHCHECK":
            health_command = as_command(local(step.args.split(" CMD ", 1)[1]))
        elif step.op == "CMD":
            server_command = as_command(local(step.args).replace("0.0.0.0", "127.0.0.1"))
    assert server_command and health_command
    port = free_port()
    final_env = env | stage_env | {"PORT": str(port)}
    assert (Path(final_env["DOCENT_INDEX_DIR"]) / "CURRENT").is_file()  # the build-time index was copied over
    assert subprocess.run(health_command, env=final_env, capture_output=True).returncode != 0  # nothing serves yet
    server = subprocess.Popen(server_command, cwd=cwd, env=final_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while subprocess.run(health_command, env=final_env, capture_output=True).returncode != 0:
            assert server.poll() is None, server.stdout.read().decode()[-3000:]
            assert time.monotonic() < deadline, "the HEALTHCHECK never passed"
            time.sleep(1)
        reply = httpx.post(f"http://127.0.0.1:{port}/v1/chat", json={"message": "How is asthma treated?"}, timeout=60)
        assert reply.status_code == 200 and reply.json()["citations"], reply.text
    finally:
        server.terminate()
        server.wait(30)


def _copy(args: str, cwd: Path, local) -> None:  # type: ignore[no-untyped-def]
    parts = [p for p in shlex.split(args) if not p.startswith("--chown")]
    from_stage = next((p for p in parts if p.startswith("--from=")), None)
    parts = [p for p in parts if not p.startswith("--")]
    *sources, dest = parts
    target = Path(local(dest)) if dest.startswith("/") else cwd / dest
    for source in sources:
        origin = Path(local(source)) if from_stage else PROJECT / source
        if from_stage and origin == target:
            continue  # same path in both stages (the venv): already in place
        if origin.is_dir():
            shutil.copytree(origin, target if not dest.endswith("/") else target / origin.name, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True) if dest.endswith("/") else target.parent.mkdir(
                parents=True, exist_ok=True
            )
            shutil.copy2(origin, target / origin.name if dest.endswith("/") else target)


def _expand(value: str, variables: dict[str, str]) -> str:
    """``$NAME`` in an ENV value, as Docker expands it."""
    return re.sub(r"\$(\w+)", lambda m: variables.get(m.group(1), ""), value)
