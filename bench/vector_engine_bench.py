"""Milvus against FAISS at scale: ingest (insert + index build + durable save) and single-query
latency over synthetic clustered 384-d unit vectors, reported as ratios measured in one run.

Both engines do exact inner-product search (FAISS ``IndexFlatIP``, Milvus ``FLAT``/``IP``), so the
ratio is the cost of the distributed engine's machinery (gRPC, proxy, query node), not of a
different algorithm. The Milvus side is the real standalone server from the ``milvus`` package,
started here unless ``DOCENT_BENCH_MILVUS_URI`` names a running one.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from bench.common import write_result
from ragcore.faiss_index import FaissIndex


def clustered_vectors(n: int, dim: int = 384, clusters: int = 200, seed: int = 52) -> np.ndarray:
    """Unit vectors around ``clusters`` random centres, like topical chunks of a corpus."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    vectors = centres[rng.integers(0, clusters, size=n)] + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def _milvus(workdir: Path):
    """(uri, server pid or None): the configured server, or a fresh standalone one in ``workdir``."""
    given = os.environ.get("DOCENT_BENCH_MILVUS_URI")
    if given:
        yield given, None
        return
    from milvus import MilvusServer

    server = MilvusServer()
    server.set_base_dir(str(workdir))
    server.start()
    try:
        yield f"http://127.0.0.1:{server.listen_port}", server.server_proc.pid
    finally:
        server.stop()


def _latencies(search, queries: np.ndarray, k: int) -> dict:
    for q in queries[:10]:  # warm-up
        search(q, k)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        search(q, k)
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50": round(float(np.percentile(times, 50)), 3), "p95": round(float(np.percentile(times, 95)), 3)}


def run(chunks: int = 100_000, queries: int = 300, k: int = 50) -> dict:
    from ragcore.milvus_index import MilvusIndex, client_for

    vectors = clustered_vectors(chunks)
    probes = clustered_vectors(queries, seed=7)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        t0 = time.perf_counter()
        faiss_index = FaissIndex(vectors.shape[1])
        faiss_index.add(vectors)
        faiss_index.save(tmp_path / "chunks.faiss")
        faiss_ingest = time.perf_counter() - t0
        faiss_latency = _latencies(faiss_index.search, probes, k)
        faiss_bytes = (tmp_path / "chunks.faiss").stat().st_size
        with _milvus(tmp_path / "milvus") as (uri, pid):
            rss_before = _rss_mb(pid) if pid else None
            name = f"bench_{uuid.uuid4().hex[:8]}"
            t0 = time.perf_counter()
            milvus_index = MilvusIndex.create(uri, name, dim=vectors.shape[1])
            milvus_index.add(vectors)
            milvus_index.save(tmp_path / "chunks.milvus.json")
            milvus_ingest = time.perf_counter() - t0
            milvus_index = MilvusIndex.load(tmp_path / "chunks.milvus.json", uri=uri)  # as a replica opens it
            milvus_latency = _latencies(milvus_index.search, probes, k)
            rss_after = _rss_mb(pid) if pid else None
            same_top = float(
                np.mean(
                    [
                        milvus_index.search(q, 10)[1][0].tolist() == faiss_index.search(q, 10)[1][0].tolist()
                        for q in probes[:50]
                    ]
                )
            )
            client_for(uri).drop_collection(name)
    result = {
        "chunks": chunks,
        "dim": int(vectors.shape[1]),
        "queries": queries,
        "k": k,
        "faiss": {
            "ingest_s": round(faiss_ingest, 3),
            "latency_ms": faiss_latency,
            "index_mb": round(faiss_bytes / 2**20, 1),
        },
        "milvus": {"ingest_s": round(milvus_ingest, 3), "latency_ms": milvus_latency},
        "milvus_vs_faiss": {
            "ingest": round(milvus_ingest / faiss_ingest, 2),
            "latency_p50": round(milvus_latency["p50"] / faiss_latency["p50"], 2),
            "latency_p95": round(milvus_latency["p95"] / faiss_latency["p95"], 2),
        },
        "same_top10_share": same_top,
    }
    if rss_before is not None and rss_after is not None:
        result["milvus"]["server_rss_mb"] = {"empty": round(rss_before, 1), "loaded": round(rss_after, 1)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    result = run(args.chunks, args.queries)
    write_result("vector_engine", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
