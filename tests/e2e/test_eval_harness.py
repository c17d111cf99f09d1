"""`docent eval run` end to end: in-process and over HTTP give the same scores; gates; the HTML report."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.e2e.conftest import running_server

LATENCY_KEYS = {"latency_ms"}


def subset(path: Path) -> Path:
    """Two items of each kind from the development set."""
    chosen, seen = [], {}
    for line in (PROJECT / "evals" / "datasets" / "dev.jsonl").read_text().splitlines():
        kind = json.loads(line)["kind"]
        if seen.get(kind, 0) < 2:
            seen[kind] = seen.get(kind, 0) + 1
            chosen.append(line)
    path.write_text("\n".join(chosen) + "\n")
    return path


def evaluate(*args):
    return subprocess.run(
        [sys.executable, "-m", "docent", "eval", "run", *map(str, args)], capture_output=True, text=True, timeout=600
    )


def without_latency(node):
    if isinstance(node, dict):
        return {k: without_latency(v) for k, v in node.items() if k not in LATENCY_KEYS}
    return node


@pytest.fixture(scope="module")
def runs(bundled_index, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("eval")
    dataset = subset(tmp / "subset.jsonl")
    local = evaluate("--dataset", dataset, "--index", bundled_index, "--out", tmp / "local")
    assert local.returncode == 0, local.stderr[-2000:]
    with running_server(bundled_index, DOCENT_RELOAD_INTERVAL_S="0") as base:
        remote = evaluate("--dataset", dataset, "--target", base, "--out", tmp / "remote")
    assert remote.returncode == 0, remote.stderr[-2000:]
    return tmp, dataset


def test_all_four_outputs_are_written(runs):
    tmp, _ = runs
    assert {p.name for p in (tmp / "local").iterdir()} >= {"metrics.json", "items.jsonl", "report.md", "report.html"}
    metrics = json.loads((tmp / "local" / "metrics.json").read_text())
    assert metrics["overall"]["items"] == 8 and metrics["overall"]["quote_validity"] == 1.0
    assert set(metrics["per_domain"]) == {"healthcare"} and "subset" in metrics["per_dataset"]
    items = [json.loads(line) for line in (tmp / "local" / "items.jsonl").read_text().splitlines()]
    assert all(
        {"question", "rewritten_query", "answer", "citations", "refusal", "scores", "latency_ms"} <= set(i)
        for i in items
    )


def test_in_process_and_http_give_the_same_scores(runs):
    tmp, _ = runs
    local = json.loads((tmp / "local" / "metrics.json").read_text())
    remote = json.loads((tmp / "remote" / "metrics.json").read_text())
    assert without_latency(local) == without_latency(remote)


def test_a_missed_gate_fails_the_run_and_says_which(runs, bundled_index, tmp_path):
    _, dataset = runs
    gates = tmp_path / "gates.toml"
    gates.write_text('["overall"]\nquote_validity = { min = 1.0 }\nfalse_refusal_rate = { max = -0.1 }\n')
    run = evaluate("--dataset", dataset, "--index", bundled_index, "--out", tmp_path / "out", "--thresholds", gates)
    assert run.returncode == 1
    assert "overall.false_refusal_rate" in run.stderr and "quote_validity" not in run.stderr


def test_html_report_renders_in_chromium(runs, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    tmp, _ = runs
    errors = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((tmp / "local" / "report.html").as_uri())
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        table = page.locator("table#metrics")
        assert table.is_visible() and "Quote validity" in table.inner_text()
        assert page.locator("svg[role=img]").count() >= 3
        browser.close()
    assert not errors and (tmp_path / "report.png").stat().st_size > 10_000
