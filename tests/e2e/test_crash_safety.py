"""A killed ingest never touches the live version; the next run completes as a clean run would.

Each case runs `docent ingest` in a subprocess that stops at a named point (the
DOCENT_INGEST_PAUSE_AT fault-injection hook) and is then killed with SIGKILL.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from ragcore.conversations import SQLiteConversationStore
from ragcore.index_store import IndexStore
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings
from tests.conftest import ingest
from tests.e2e.conftest import extra_document


def ingest_command(corpus, index):
    return [sys.executable, "-m", "docent", "ingest", str(corpus), "--index", str(index), "--json"]


def kill_at(point, corpus, index):
    env = os.environ | {"DOCENT_INGEST_PAUSE_AT": point}
    process = subprocess.Popen(
        ingest_command(corpus, index), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    marker = index / f".paused-{point}"
    deadline = time.monotonic() + 180
    while not marker.exists():
        assert process.poll() is None, f"ingest exited before reaching {point}"
        assert time.monotonic() < deadline, f"ingest never reached {point}"
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    marker.unlink()


# killed with every file written and only the flip to do: the case `make test` runs; the two earlier
# kill points take about 50 s each and run with `make test-slow`
@pytest.mark.parametrize(
    "point",
    [
        pytest.param("embedding", marks=pytest.mark.slow),
        pytest.param("writing", marks=pytest.mark.slow),
        "before_flip",
    ],
)
def test_sigkill_leaves_the_live_version_answering_and_the_next_run_completes(point, small_corpus, tmp_path, embedder):
    index = tmp_path / "index"
    live = ingest(small_corpus, index, embedder).version
    (small_corpus / "law/quiet-hours.md").write_text(
        extra_document("Quiet hours", "Many cities set quiet hours between 10 p.m. and 7 a.m. for apartment buildings.")
    )

    kill_at(point, small_corpus, index)

    store = IndexStore(index)
    assert store.current_version() == live and store.versions() == [live]
    pipeline = build_pipeline(
        Settings(index_dir=index), embedder=embedder, conversations=SQLiteConversationStore(":memory:")
    )
    answer = pipeline.chat("How is asthma treated?")
    assert answer.index_version == live and answer.citations

    rerun = subprocess.run(ingest_command(small_corpus, index), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    after = store.current_version()
    assert after != live and not list(store.versions_dir.glob(".staging-*"))

    clean = tmp_path / "clean"
    ingest(small_corpus, clean, embedder)
    clean_store = IndexStore(clean)
    assert store.manifest(after)["chunk_ids"] == clean_store.manifest(clean_store.current_version())["chunk_ids"]
    assert store.manifest(after)["documents"] == clean_store.manifest(clean_store.current_version())["documents"]
