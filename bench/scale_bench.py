"""Scale: a million synthetic clustered 384-d unit vectors plus the real corpus sample's chunk
vectors, searched exactly (``IndexFlatIP``) and approximately (IVF-Flat, memory-mapped; HNSW on a
subset), then the whole chat pipeline and ``docent serve``'s cold start with that index loaded.

Synthetic vectors: cluster centres drawn at random on the sphere, uneven cluster sizes (Dirichlet
weights), each vector its centre plus Gaussian noise of the same norm (cosine to its centre about
0.7), normalised. Queries: held-out draws from the same mixture, and the real questions' vectors.
Recall@10 of an approximate index is measured against the exact top 10 of the same vectors.

The pipeline test grows a copy of the real sample's index version: the synthetic vectors become
extra rows (filler catalog documents without sentences or BM25 terms) after the real chunks, and the
IVF index over all of them becomes its vector index, so every query searches all of them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from bench.common import PROJECT
from bench.latency_bench import serve
from bench.workspace import Workspace, latency_ms, ratio, summary
from ragcore.ann_index import build_vector_index
from ragcore.embedding import Embedder
from ragcore.settings import VectorIndexSettings


def clustered_vectors(count: int, dim: int, *, clusters: int, seed: int, centres_seed: int = 7) -> np.ndarray:
    """``count`` unit vectors from a fixed mixture of ``clusters`` clusters (``centres_seed``)."""
    centres_rng, rng = np.random.default_rng(centres_seed), np.random.default_rng(seed)
    centres = centres_rng.standard_normal((clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    weights = centres_rng.dirichlet(np.full(clusters, 0.5))
    out = np.empty((count, dim), dtype=np.float32)
    for start in range(0, count, 100_000):
        n = min(100_000, count - start)
        labels = rng.choice(clusters, size=n, p=weights)
        block = centres[labels] + rng.standard_normal((n, dim), dtype=np.float32) / np.sqrt(dim)
        out[start : start + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f[f >= 0]) & set(e)) / len(e) for f, e in zip(found, exact)]))


def search_latency(index: faiss.Index, queries: np.ndarray) -> dict:
    return summary(latency_ms(lambda q: index.search(q[None, :], 10), list(queries)))


def probe_memory(path: Path, queries: Path) -> dict:
    """In a fresh process: resident memory (private anonymous and file-backed) after loading the
    index at ``path`` with :func:`load_vector_index` and answering the queries."""
    code = (
        "import json,sys,numpy as np\n"
        "from ragcore.ann_index import load_vector_index\n"
        "def rss():\n"
        "    f={l.split(':')[0]:int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('Rss')}\n"
        "    return f['RssAnon']*1024, f['RssFile']*1024\n"
        "a0,f0=rss(); i=load_vector_index(sys.argv[1]); a1,f1=rss()\n"
        "i.search(np.load(sys.argv[2]),10); a2,f2=rss()\n"
        "print(json.dumps({'anon_after_load':a1-a0,'file_after_load':f1-f0,'anon_after_queries':a2-a0,"
        "'file_after_queries':f2-f0}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(queries)], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(workspace: Workspace, embedder: Embedder, *, synthetic: int, hnsw_subset: int, small_chat: dict) -> dict:
    work = workspace.root / "scale"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    source = workspace.index("torch")
    version = (source / "CURRENT").read_text().strip()
    real = np.load(source / "versions" / version / "chunks.npy")
    dim = real.shape[1]
    started = time.perf_counter()
    vectors = np.concatenate([real, clustered_vectors(synthetic, dim, clusters=max(8, synthetic // 500), seed=1)])
    generate_seconds = time.perf_counter() - started
    questions = [item.question for item in workspace.questions]
    queries = {
        "synthetic": clustered_vectors(200, dim, clusters=max(8, synthetic // 500), seed=2),
        "real_questions": np.stack([embedder.embed_query(q) for q in questions]).astype(np.float32),
    }
    np.save(work / "queries.npy", np.concatenate(list(queries.values())))
    result: dict = {
        "vectors": len(vectors),
        "synthetic": synthetic,
        "real_chunks": len(real),
        "generate_seconds": round(generate_seconds, 1),
        "queries": {k: len(v) for k, v in queries.items()},
    }

    t0 = time.perf_counter()
    exact_index, _ = build_vector_index(vectors, VectorIndexSettings(kind="flat"))
    exact = {"build_seconds": round(time.perf_counter() - t0, 2)}
    truth = {k: exact_index.search(q, 10)[1] for k, q in queries.items()}
    exact["search_ms"] = search_latency(exact_index.faiss_index, queries["synthetic"][:100])
    exact_index.save(work / "flat.faiss")
    exact["bytes"] = (work / "flat.faiss").stat().st_size
    del exact_index
    exact["memory"] = probe_memory(work / "flat.faiss", work / "queries.npy")
    (work / "flat.faiss").unlink()
    result["exact"] = exact

    t0 = time.perf_counter()
    ivf_index, params = build_vector_index(vectors, VectorIndexSettings(kind="ivf"))
    ivf: dict = {"params": params, "build_seconds": round(time.perf_counter() - t0, 2)}
    ivf["recall@10"] = {k: round(recall_at_10(ivf_index.search(q, 10)[1], truth[k]), 4) for k, q in queries.items()}
    ivf["search_ms"] = search_latency(ivf_index.faiss_index, queries["synthetic"][:100])
    ivf_index.save(work / "ivf.faiss")
    ivf["bytes"] = (work / "ivf.faiss").stat().st_size
    ivf["memory"] = probe_memory(work / "ivf.faiss", work / "queries.npy")
    result["ivf"] = ivf
    result["target_recall@10"] = 0.95

    if hnsw_subset:
        result["hnsw_subset"] = _hnsw(vectors[: len(real) + hnsw_subset], queries)

    result["bytes_per_million_vectors"] = {
        "flat": round(exact["bytes"] * 1e6 / len(vectors)),
        "ivf": round(ivf["bytes"] * 1e6 / len(vectors)),
        "chunk_vectors_npy": round(4 * dim * 1e6),
    }
    grown = _grow(source / "versions" / version, work / "index", vectors[len(real) :], ivf_index, params)
    del vectors, ivf_index
    result["pipeline"] = _pipeline(grown, embedder, questions, small_chat)
    with serve(grown, backend="torch") as (_, seconds):
        result["cold_start_seconds"] = round(seconds, 2)
    return result


def _hnsw(vectors: np.ndarray, queries: dict[str, np.ndarray]) -> dict:
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth = {k: exact.search(q, 10)[1] for k, q in queries.items()}
    t0 = time.perf_counter()
    index, params = build_vector_index(vectors, VectorIndexSettings(kind="hnsw"))
    build = time.perf_counter() - t0
    return {
        "vectors": len(vectors),
        "params": params,
        "build_seconds": round(build, 2),
        "recall@10": {k: round(recall_at_10(index.search(q, 10)[1], truth[k]), 4) for k, q in queries.items()},
        "search_ms": search_latency(index.faiss_index, queries["synthetic"][:100]),
        "exact_search_ms_same_vectors": search_latency(exact, queries["synthetic"][:100]),
    }


def _grow(version_dir: Path, root: Path, synthetic: np.ndarray, index: object, params: dict) -> Path:
    """A copy of ``version_dir`` under a new store ``root`` with ``synthetic`` rows appended."""
    target = root / "versions" / version_dir.name
    shutil.copytree(version_dir, target, ignore=shutil.ignore_patterns("chunks.npy", "chunks.faiss"))
    real = np.load(version_dir / "chunks.npy", mmap_mode="r")
    grown = np.lib.format.open_memmap(
        target / "chunks.npy", mode="w+", dtype=np.float32, shape=(len(real) + len(synthetic), real.shape[1])
    )
    grown[: len(real)] = real
    grown[len(real) :] = synthetic
    grown.flush()
    del grown
    index.save(target / "chunks.faiss")  # type: ignore[attr-defined]
    per_doc = 1000
    db = sqlite3.connect(str(target / "catalog.sqlite"))
    domains = ("healthcare", "law", "education")
    db.executemany(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (f"synthetic/filler-{d}.md", domains[d % 3], f"Synthetic filler {d}", "filler", f"filler{d}", "{}", "[]")
            for d in range(-(-len(synthetic) // per_doc))
        ],
    )
    db.executemany(
        "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
        (
            (len(real) + i, f"filler-{i}", f"synthetic/filler-{i // per_doc}.md", 0, 6, "[]")
            for i in range(len(synthetic))
        ),
    )
    db.commit()
    db.close()
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["counts"]["chunks"] += len(synthetic)
    manifest["vector_index"], manifest["vector_index_params"] = params["kind"], params
    manifest["synthetic_filler_chunks"] = len(synthetic)
    (target / "manifest.json").write_text(json.dumps(manifest))
    (root / "CURRENT").write_text(version_dir.name)
    return root


def _pipeline(index_dir: Path, embedder: Embedder, questions: list[str], small_chat: dict) -> dict:
    from ragcore.conversations import SQLiteConversationStore
    from ragcore.pipeline import build_pipeline
    from ragcore.settings import Settings

    t0 = time.perf_counter()
    pipeline = build_pipeline(
        Settings(index_dir=index_dir, reload_interval_s=0),
        embedder=embedder,
        conversations=SQLiteConversationStore(":memory:"),
    )
    load_seconds = time.perf_counter() - t0
    chat = summary(latency_ms(pipeline.chat, questions))
    return {
        "load_seconds": round(load_seconds, 2),
        "chunks": pipeline.serving.index.catalog.chunk_count,
        "chat_in_process_ms": chat,
        "chat_small_index_ms": small_chat,
        "vs_small_index": ratio(chat, small_chat),
    }


def cold_start(workspace: Workspace, embedder: Embedder) -> dict:
    """Seconds from ``docent serve`` to a 200 from /readyz on the bundled corpus's index (ingested here first)."""
    from ingest.runner import run_ingest
    from ragcore.settings import Settings

    index_dir = workspace.root / "index-bundled"
    run_ingest(Settings(index_dir=index_dir), PROJECT / "corpus", embedder=embedder)
    with serve(index_dir, backend="torch") as (_, seconds):
        return {"index": "bundled corpus/", "seconds": round(seconds, 2)}
