"""int8 ONNX against PyTorch: ingest speed-up on the same corpus sample, and retrieval quality
(SciFact train nDCG@10, MedQuAD-dev recall@5) with each backend's own index.

The PyTorch ingest figures come from :mod:`bench.ingest_bench` in the same run; this module runs
the same measurement with the int8 backend (its one-off ONNX export is timed apart, into a fresh
folder, and not counted in the ingest).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.ingest_bench import measure_ingest
from bench.workspace import Workspace
from evals.datasets import EvalItem
from evals.ranking import gold_document_scores
from ragcore.embedding import Embedder


def onnx_embedder(cache_dir: Path | None = None) -> Embedder:
    from ragcore.onnx_embedding import OnnxInt8Embedder
    from ragcore.settings import Settings

    settings = Settings()  # DOCENT_EMBED_THREADS, as `bench.run --threads` sets it
    return OnnxInt8Embedder(cache_dir=cache_dir or settings.onnx_dir, threads=settings.embed_threads)


def time_export() -> float:
    """Seconds to export and quantise the bundled model from scratch (a fresh cache folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        onnx_embedder(Path(tmp))
        return round(time.perf_counter() - started, 2)


def retrieval_quality(index_dir: Path, embedder: Embedder, items: list[EvalItem]) -> dict:
    """recall@5 and MRR@10 of the gold document: dense only, and the default retriever."""
    from ragcore.index_store import IndexStore
    from ragcore.loaded_index import load_version
    from ragcore.retrieval import HybridRetriever
    from ragcore.settings import RetrievalSettings

    index = load_version(IndexStore(index_dir))
    retrievers = {
        "dense": HybridRetriever(index, RetrievalSettings(mode="dense", rerank=False)),
        "default": HybridRetriever(index, RetrievalSettings()),
    }
    return gold_document_scores(retrievers, items, embedder)


def run(
    workspace: Workspace, torch_ingest: dict, torch_scifact: dict, *, max_queries: int | None, time_it: bool = True
) -> dict:
    """``time_it=False`` skips timing a fresh export (the quick run)."""
    from bench.retrieval_bench import scifact_folder
    from evals.beir import evaluate_beir
    from ragcore.embedding import SentenceTransformerEmbedder
    from ragcore.settings import Settings

    export_seconds = time_export() if time_it else None
    int8 = onnx_embedder()
    int8_ingest = measure_ingest(workspace, int8, "onnx-int8")
    torch = SentenceTransformerEmbedder(threads=Settings().embed_threads)
    medquad = {
        "questions": len(workspace.questions),
        "torch": retrieval_quality(workspace.index("torch"), torch, workspace.questions),
        "onnx-int8": retrieval_quality(workspace.index("onnx-int8"), int8, workspace.questions),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder, work = scifact_folder(Path(tmp), max_queries=max_queries, work_name="scifact-onnx-int8")
        int8_scifact = evaluate_beir(folder, split="train", work=work, configs=["dense", "fused+rerank"], embedder=int8)
    ndcg = {
        name: {
            "torch": torch_scifact["configs"][name]["ndcg@10"],
            "onnx-int8": int8_scifact["configs"][name]["ndcg@10"],
            "delta_points": round(
                100 * (int8_scifact["configs"][name]["ndcg@10"] - torch_scifact["configs"][name]["ndcg@10"]), 2
            ),
        }
        for name in ("dense", "fused+rerank")
    }
    recall = {
        name: {
            "torch": medquad["torch"][name]["recall@5"],
            "onnx-int8": medquad["onnx-int8"][name]["recall@5"],
            "delta_points": round(
                100 * (medquad["onnx-int8"][name]["recall@5"] - medquad["torch"][name]["recall@5"]), 2
            ),
        }
        for name in ("dense", "default")
    }
    return {
        "export_seconds": export_seconds,
        "ingest": {"torch": torch_ingest, "onnx-int8": int8_ingest},
        "ingest_speedup": round(int8_ingest["ingest_chunks_per_s"] / torch_ingest["ingest_chunks_per_s"], 3),
        "encode_speedup": round(int8_ingest["encode_chunks_per_s"] / torch_ingest["encode_chunks_per_s"], 3),
        "target_ingest_speedup": 1.8,
        "scifact_train_ndcg@10": ndcg,
        "scifact_queries": int8_scifact["queries"],
        "medquad_dev_recall@5": recall,
        "medquad_dev": medquad,
        "target_quality_delta_points": 1.0,
        "query_embed_ms": {
            "torch": torch_scifact["latency_ms"]["embed"],
            "onnx-int8": int8_scifact["latency_ms"]["embed"],
        },
    }
