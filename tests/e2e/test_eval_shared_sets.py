"""The harness on the shared development sets (skipped when ../shared/data is absent): a seeded
sample of each set over their gold documents plus distractors from ../shared/data/corpus,
in-process and over HTTP, gives the same scores."""

import json
import random
import shutil
import subprocess
import sys

import pytest

from tests.conftest import CORPUS, SHARED_DATA, ingest
from tests.e2e.conftest import running_server
from tests.e2e.test_eval_harness import without_latency

SETS = ("medquad_dev", "pubmedqa_dev", "followup_dev", "oos_dev")
pytestmark = pytest.mark.skipif(not (SHARED_DATA / "evalsets").is_dir(), reason="../shared/data is not here")


@pytest.fixture(scope="module")
def shared_sample(tmp_path_factory, embedder):
    tmp = tmp_path_factory.mktemp("shared")
    rng = random.Random(52)
    corpus, datasets, gold = tmp / "corpus", [], set()
    for name in SETS:
        lines = (SHARED_DATA / "evalsets" / f"{name}.jsonl").read_text().splitlines()
        chosen = rng.sample(lines, 6)
        gold |= {doc for line in chosen for doc in json.loads(line)["gold_sources"]}
        (tmp / f"{name}.jsonl").write_text("\n".join(chosen) + "\n")
        datasets.append(tmp / f"{name}.jsonl")
    every = sorted((SHARED_DATA / "corpus").rglob("*.md"))
    distractors = {p.relative_to(SHARED_DATA / "corpus").as_posix() for p in rng.sample(every, 60)}
    for doc_id in gold | distractors:
        (corpus / doc_id).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED_DATA / "corpus" / doc_id, corpus / doc_id)
    shutil.copyfile(CORPUS / "domains.yaml", corpus / "domains.yaml")
    ingest(corpus, tmp / "index", embedder)
    return tmp, datasets


def test_shared_sets_score_the_same_in_process_and_over_http(shared_sample):
    tmp, datasets = shared_sample
    dataset_args = [a for d in datasets for a in ("--dataset", str(d))]

    def evaluate(*where, out):
        run = subprocess.run(
            [sys.executable, "-m", "docent", "eval", "run", *dataset_args, *where, "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        return json.loads((out / "metrics.json").read_text())

    local = evaluate("--index", str(tmp / "index"), out=tmp / "local")
    with running_server(tmp / "index", DOCENT_RELOAD_INTERVAL_S="0") as base:
        remote = evaluate("--target", base, out=tmp / "remote")
    assert set(local["per_dataset"]) == set(SETS)
    assert local["overall"]["items"] == 24 and local["overall"]["quote_validity"] == 1.0
    assert without_latency(local) == without_latency(remote)
