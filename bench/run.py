"""``make bench``: run every benchmark in one process, write ``bench/results/*.json`` and
``bench/results/summary.md`` (the six headline figures with their targets, then every figure).

Sizes (full run, chosen so the whole run stays under 30 minutes on two quiet cores): the corpus
sample is every 10th document of ``../shared/data/corpus`` plus the gold documents of 50 seeded
MedQuAD-dev questions (the questions of the latency, peer and recall figures); a SciFact train
slice of 30 queries (their judged documents plus 300 others) for both backends; 1,000,000
synthetic vectors (HNSW on a 50,000-vector subset). Embedding runs with ``--threads`` (default 1)
intra-op threads in every backend, the peer and the servers (``DOCENT_EMBED_THREADS``): with the
library default of one per core, PyTorch's forward passes slowed about tenfold while other jobs
kept the two cores busy. ``--quick`` shrinks all of them (smoke test);
``--full-scifact`` uses all 809 SciFact train queries and 5,183 documents.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from bench import (
    backends_bench,
    ingest_bench,
    latency_bench,
    load_bench,
    peer_bench,
    retrieval_bench,
    scale_bench,
    vector_engine_bench,
)
from bench.common import PROJECT, RESULTS, machine, write_result
from bench.workspace import prepare

FULL = {"every": 10, "questions": 50, "synthetic_docs": 300, "scifact_queries": 30, "synthetic": 1_000_000}
QUICK = {"every": 400, "questions": 6, "synthetic_docs": 9, "scifact_queries": 8, "synthetic": 20_000}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test, as `make test` runs it)")
    parser.add_argument("--synthetic", type=int, default=None, help="synthetic vectors for the scale benchmark")
    parser.add_argument("--threads", type=int, default=1, help="embedding threads (DOCENT_EMBED_THREADS; 0: default)")
    parser.add_argument("--full-scifact", action="store_true", help="all of SciFact train (adds ~10 min per backend)")
    parser.add_argument("--summarise", action="store_true", help="only rebuild summary.md from bench/results/*.json")
    args = parser.parse_args(argv)
    if args.summarise:
        write_summary(saved_results(), None)
        return
    size = dict(QUICK if args.quick else FULL)
    if args.full_scifact:
        size["scifact_queries"] = None
    synthetic = args.synthetic or size["synthetic"]
    started = time.perf_counter()
    os.environ["DOCENT_EMBED_THREADS"] = str(args.threads)  # this process's embedders, the peer and the servers
    from ragcore.embedding import SentenceTransformerEmbedder

    workspace = prepare(
        PROJECT / "var" / "bench" / ("quick" if args.quick else "workspace"),
        every=size["every"],
        questions=size["questions"],
        synthetic_docs=size["synthetic_docs"],
    )
    torch = SentenceTransformerEmbedder(threads=args.threads)
    sizes = size | {"synthetic": synthetic, "threads": args.threads}
    results = _Results(sizes)  # each benchmark's JSON is written as soon as it finishes
    results["ingest"] = ingest_bench.measure_ingest(workspace, torch, "torch", again=True)
    results["retrieval"] = retrieval_bench.run(max_queries=size["scifact_queries"])
    results["backends"] = backends_bench.run(
        workspace, results["ingest"], results["retrieval"], max_queries=size["scifact_queries"], time_it=not args.quick
    )
    int8 = backends_bench.onnx_embedder()
    results["latency"] = latency_bench.run(
        workspace, {"torch": torch, "onnx-int8": int8}, http=("torch",) if args.quick else None
    )
    results["peer"] = peer_bench.measure(workspace, {"torch": torch, "onnx-int8": int8}, results)
    results["scale"] = scale_bench.run(
        workspace,
        torch,
        synthetic=synthetic,
        hnsw_subset=2_000 if args.quick else 50_000,
        small_chat=results["latency"]["by_backend"]["torch"]["chat_in_process_ms"],
    )
    small = (
        {"index": workspace.source, "seconds": results["latency"]["by_backend"]["torch"]["server_ready_seconds"]}
        if args.quick  # the HTTP latency run's server start on the sample index
        else scale_bench.cold_start(workspace, torch)
    )
    results["cold_start"] = {
        "small": small,
        "scale": {
            "index": f"{results['scale']['vectors']:,} vectors",
            "seconds": results["scale"]["cold_start_seconds"],
        },
    }
    results["load"] = load_bench.run(
        duration_s=3 if args.quick else 60, concurrency=4 if args.quick else 16, quick=args.quick
    )
    results["vector_engine"] = vector_engine_bench.run(**({"chunks": 2_000, "queries": 20} if args.quick else {}))
    total = round(time.perf_counter() - started, 1)
    for name, result in results.items():
        write_result(name, result | {"sizes": sizes, "total": total})
    write_summary(results, total)


class _Results(dict):
    def __init__(self, sizes: dict) -> None:
        super().__init__()
        self.sizes = sizes

    def __setitem__(self, name: str, result: dict) -> None:
        super().__setitem__(name, result)
        write_result(name, result | {"sizes": self.sizes})


def saved_results() -> dict:
    """The headline benchmarks' JSON as the last run left them in ``bench/results``."""
    names = ("ingest", "retrieval", "backends", "latency", "peer", "scale", "cold_start")
    return {name: json.loads((RESULTS / f"{name}.json").read_text()) for name in names}


def write_summary(results: dict, total: float | None) -> None:
    total = total if total is not None else results["ingest"].get("total")
    lines = ["# Benchmark results", "", headline(results, total), ""]
    for name, result in results.items():
        lines += [f"## {name}", "", "```json", json.dumps(result, indent=2), "```", ""]
    (RESULTS / "summary.md").write_text("\n".join(lines))
    print("\n".join(lines[:3]))


def headline(r: dict, total: float | None) -> str:
    """The six figures against their targets, as a Markdown table."""
    ing, back, lat, peer, scale = r["ingest"], r["backends"], r["latency"]["by_backend"], r["peer"], r["scale"]
    vs = peer["docent_vs_langchain"]
    rows = [
        (
            "1 ingest / raw encode (torch)",
            f"{ing['ingest_vs_encode']} ({ing['ingest_chunks_per_s']} vs "
            f"{ing['encode_chunks_per_s']} chunks/s, {ing['chunks']} chunks)",
            "≥ 0.95",
        ),
        (
            "2 int8 ONNX / torch ingest speed-up",
            f"{back['ingest_speedup']}× (encode alone {back['encode_speedup']}×)",
            "≥ 1.8×",
        ),
        (
            "2 SciFact nDCG@10 int8 − torch (dense; default)",
            f"{back['scifact_train_ndcg@10']['dense']['delta_points']}; "
            f"{back['scifact_train_ndcg@10']['fused+rerank']['delta_points']} points",
            "within 1 point",
        ),
        (
            "2 MedQuAD-dev recall@5 int8 − torch (dense; default)",
            f"{back['medquad_dev_recall@5']['dense']['delta_points']}; "
            f"{back['medquad_dev_recall@5']['default']['delta_points']} points",
            "within 1 point",
        ),
    ]
    for b in ("torch", "onnx-int8"):
        x = lat[b]
        rows.append(
            (
                f"3 chat / embed, in-process p50 / p95 ({b})",
                f"{x['in_process_vs_embed']['p50']} / {x['in_process_vs_embed']['p95']}",
                "≤ 2",
            )
        )
        if "http_vs_embed" in x:
            rows.append(
                (
                    f"3 chat / embed, HTTP p50 / p95 ({b})",
                    f"{x['http_vs_embed']['p50']} / {x['http_vs_embed']['p95']}",
                    "≤ 3",
                )
            )
    ivf = scale["ivf"]
    rows += [
        (
            f"4 IVF recall@10 vs exact, {scale['vectors']:,} vectors (synthetic; real questions)",
            f"{ivf['recall@10']['synthetic']}; {ivf['recall@10']['real_questions']}",
            "≥ 0.95",
        ),
        ("4 search p95 ms exact / IVF", f"{scale['exact']['search_ms']['p95']} / {ivf['search_ms']['p95']}", ""),
        ("4 build s exact / IVF", f"{scale['exact']['build_seconds']} / {ivf['build_seconds']}", ""),
        (
            "4 index bytes per million vectors (flat / IVF)",
            f"{scale['bytes_per_million_vectors']['flat']:,} / {scale['bytes_per_million_vectors']['ivf']:,}",
            "",
        ),
        (
            "4 chat p50 / p95 ms with the big index (torch)",
            f"{scale['pipeline']['chat_in_process_ms']['p50']} / {scale['pipeline']['chat_in_process_ms']['p95']} "
            f"({scale['pipeline']['vs_small_index']['p95']}× the sample index's p95)",
            "",
        ),
    ]
    for b in ("torch", "onnx-int8"):
        rows.append(
            (
                f"5 Docent / LangChain ingest time ({b})",
                f"{vs[b]['ingest_time_ratio']}",
                "≤ 0.55 (int8)" if b == "onnx-int8" else "",
            )
        )
        rows.append(
            (
                f"5 Docent chat / LangChain similarity_search p50 / p95 ({b})",
                f"{vs[b]['chat_vs_similarity_search']['p50']} / {vs[b]['chat_vs_similarity_search']['p95']}",
                "< 1",
            )
        )
    rows.append(
        (
            "5 MedQuAD-dev recall@5 Docent torch / int8 / LangChain",
            f"{vs['torch']['medquad_dev_recall@5']} / {vs['onnx-int8']['medquad_dev_recall@5']} / "
            f"{vs['langchain_medquad_dev_recall@5']}",
            "",
        )
    )
    mem = scale["ivf"]["memory"]
    rows.append(
        (
            "4 IVF resident memory after load + queries (private / mapped file)",
            f"{mem['anon_after_queries'] / 2**20:.0f} MiB / {mem['file_after_queries'] / 2**20:.0f} MiB "
            f"(flat, private: {scale['exact']['memory']['anon_after_queries'] / 2**20:.0f} MiB)",
            "",
        )
    )
    cold = r["cold_start"]
    rows.append(
        (
            "6 cold start s (small index; big index)",
            f"{cold['small']['seconds']} ({cold['small']['index']}); {cold['scale']['seconds']} "
            f"({cold['scale']['index']})",
            "",
        )
    )
    threads = r["ingest"].get("sizes", {}).get("threads", os.environ.get("DOCENT_EMBED_THREADS"))
    head = (
        f"{len(os.sched_getaffinity(0))} cores ({machine()['cpus']} reported), embedding threads {threads}, "
        f"whole run {f'{total} s' if total is not None else 'not recorded'}\n\n"
    )
    return (
        head
        + "| benchmark | measured | target |\n|---|---|---|\n"
        + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    )


if __name__ == "__main__":
    main()
