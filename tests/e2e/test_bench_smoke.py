"""The benchmarks run end to end at tiny sizes (no timing is asserted: figures are reported by `make bench`)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT

# minutes, not seconds: run by .ci/run (`make test-slow`), kept out of `make test`
pytestmark = pytest.mark.slow


def test_bench_quick_writes_results(tmp_path):
    env = os.environ | {"DOCENT_BENCH_RESULTS": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = {
        name: json.loads((tmp_path / f"{name}.json").read_text())
        for name in ("ingest", "retrieval", "backends", "latency", "peer", "scale", "cold_start")
    }

    ingest = result["ingest"]
    assert ingest["chunks"] > 0 and ingest["encode_chunks_per_s"] > 0 and ingest["reingest_up_to_date"]
    assert ingest["forced_rebuild_embedded"] == 0
    retrieval = result["retrieval"]
    assert set(retrieval["configs"]) == {"dense", "bm25", "fused", "fused+rerank"}
    assert all(0 <= c["ndcg@10"] <= 1 for c in retrieval["configs"].values())
    load = json.loads((tmp_path / "load.json").read_text())
    assert load["requests"] > 0 and load["errors"] == 0 and load["peak_rss_mb"] > 0
    vector_engine = json.loads((tmp_path / "vector_engine.json").read_text())
    assert vector_engine["same_top10_share"] == 1.0  # both engines search exactly
    assert vector_engine["milvus_vs_faiss"]["ingest"] > 0 and vector_engine["milvus_vs_faiss"]["latency_p50"] > 0

    backends = result["backends"]
    int8 = backends["ingest"]["onnx-int8"]
    assert int8["backend"] == "onnx-int8" and int8["chunks"] == ingest["chunks"]  # same corpus, same chunks
    assert backends["ingest_speedup"] > 0
    for name in ("dense", "default"):
        figures = backends["medquad_dev_recall@5"][name]
        assert 0 <= figures["torch"] <= 1 and 0 <= figures["onnx-int8"] <= 1
    assert backends["medquad_dev"]["questions"] > 0

    for backend, figures in result["latency"]["by_backend"].items():
        assert figures["questions"] > 0 and figures["chat_in_process_ms"]["p50"] > 0, backend
    assert result["latency"]["by_backend"]["torch"]["chat_http_ms"]["p95"] > 0

    peer = result["peer"]
    assert peer["langchain"]["chunks"] > 0 and 0 <= peer["langchain"]["medquad_dev_recall@5"] <= 1
    assert set(peer["docent_vs_langchain"]) >= {"torch", "onnx-int8"}

    scale = result["scale"]
    assert scale["vectors"] == scale["synthetic"] + scale["real_chunks"]
    assert scale["ivf"]["params"]["kind"] == "faiss-ivf-flat-ip"
    assert all(0 <= r <= 1 for r in scale["ivf"]["recall@10"].values())
    assert scale["pipeline"]["chunks"] == scale["vectors"]  # the grown index really holds every vector
    assert result["cold_start"]["scale"]["seconds"] > 0 and result["cold_start"]["small"]["seconds"] > 0

    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("# Benchmark results") and "| benchmark | measured | target |" in summary
