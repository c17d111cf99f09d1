"""SciFact train in full (809 queries, 5,183 documents) with both embedding backends: the quality
half of figure 2 without the rest of ``make bench``.

    .venv/bin/python -m bench.scifact_backends      # ~3 min for PyTorch from its cache, ~12 for int8

Writes ``bench/results/scifact_backends.json`` with nDCG@10, recall and MRR per backend for dense
retrieval and the default (fused + rerank), and int8 − PyTorch in nDCG points.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from bench.backends_bench import onnx_embedder
from bench.common import RESULTS
from bench.retrieval_bench import scifact_folder
from evals.beir import evaluate_beir
from ragcore.embedding import SentenceTransformerEmbedder
from ragcore.settings import Settings

CONFIGS = ("dense", "fused+rerank")


def run() -> dict:
    embedders = {
        "torch": SentenceTransformerEmbedder(threads=Settings().embed_threads),
        "onnx-int8": onnx_embedder(),
    }
    scores: dict = {}
    for backend, embedder in embedders.items():
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            # PyTorch shares the retrieval benchmark's lasting work folder (and its embedding cache).
            work_name = "scifact" if backend == "torch" else "scifact-full-onnx-int8"
            folder, work = scifact_folder(Path(tmp), max_queries=None, work_name=work_name)
            result = evaluate_beir(folder, split="train", work=work, configs=list(CONFIGS), embedder=embedder)
        scores[backend] = {c: result["configs"][c] for c in CONFIGS} | {
            "queries": result["queries"],
            "seconds": round(time.perf_counter() - started, 1),
        }
    delta = {c: round(100 * (scores["onnx-int8"][c]["ndcg@10"] - scores["torch"][c]["ndcg@10"]), 2) for c in CONFIGS}
    return {"benchmark": "scifact_backends", "by_backend": scores, "ndcg@10_int8_minus_torch_points": delta}


if __name__ == "__main__":
    out = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scifact_backends.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out["ndcg@10_int8_minus_torch_points"]))
