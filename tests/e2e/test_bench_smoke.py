"""The benchmarks run end to end at tiny sizes (no timing is asserted: figures are reported by `make bench`)."""

import json
import os
import subprocess
import sys

from tests.conftest import PROJECT


def test_bench_quick_writes_results(tmp_path):
    env = os.environ | {"DOCENT_BENCH_RESULTS": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    ingest = json.loads((tmp_path / "ingest.json").read_text())
    assert ingest["chunks"] > 0 and ingest["encode_chunks_per_s"] > 0 and ingest["reingest_up_to_date"]
    assert ingest["forced_rebuild_embedded"] == 0
    retrieval = json.loads((tmp_path / "retrieval.json").read_text())
    assert set(retrieval["configs"]) == {"dense", "bm25", "fused", "fused+rerank"}
    assert all(0 <= c["ndcg@10"] <= 1 for c in retrieval["configs"].values())
    load = json.loads((tmp_path / "load.json").read_text())
    assert load["requests"] > 0 and load["errors"] == 0 and load["peak_rss_mb"] > 0
    vector_engine = json.loads((tmp_path / "vector_engine.json").read_text())
    assert vector_engine["same_top10_share"] == 1.0  # both engines search exactly
    assert vector_engine["milvus_vs_faiss"]["ingest"] > 0 and vector_engine["milvus_vs_faiss"]["latency_p50"] > 0
    assert (tmp_path / "summary.md").read_text().startswith("# Benchmark results")
