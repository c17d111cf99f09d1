"""`docent ingest` and `docent index` as an operator runs them."""

import json
import subprocess
import sys


def docent(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "docent", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def test_strict_ingest_fails_on_skipped_files_but_still_publishes_the_rest(small_corpus, tmp_path):
    (small_corpus / "healthcare/empty.md").write_text("")
    (small_corpus / "law/scan.pdf").write_bytes(b"%PDF-1.7 garbage")
    run = docent("ingest", small_corpus, "--index", tmp_path / "index", "--strict", "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["documents"] == 6 and report["version"]
    assert {s["path"] for s in report["skipped"]} == {"healthcare/empty.md", "law/scan.pdf"}

    summary = docent("ingest", small_corpus, "--index", tmp_path / "index")
    assert summary.returncode == 0 and "is current" in summary.stdout and "empty.md: file is empty" in summary.stdout


def test_dry_run_prints_the_plan_and_writes_nothing(small_corpus, tmp_path):
    run = docent("ingest", small_corpus, "--index", tmp_path / "index", "--dry-run")
    assert run.returncode == 0 and "6 added" in run.stdout and "+ healthcare/asthma.md" in run.stdout
    assert not (tmp_path / "index").exists()


def test_index_list_rollback_and_gc(small_corpus, tmp_path):
    index = tmp_path / "index"
    for _ in range(2):
        assert docent("ingest", small_corpus, "--index", index, "--force").returncode == 0
    listing = docent("index", "list", "--index", index).stdout.splitlines()
    assert len(listing) == 2 and listing[1].startswith("* ")
    older = listing[0].split()[0]
    assert older in docent("index", "rollback", "--index", index).stdout
    assert docent("index", "list", "--index", index).stdout.splitlines()[0].startswith("* ")
    gc = docent("index", "gc", "--index", index, "--keep", "1")
    assert gc.returncode == 0 and "removed 1 version" in gc.stdout
    assert docent("index", "rollback", "--index", index).returncode == 2  # nothing older left: clear error
