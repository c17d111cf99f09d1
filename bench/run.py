"""``make bench``: run every benchmark, write ``bench/results/*.json`` and ``bench/results/summary.md``."""

from __future__ import annotations

import argparse
import json

from bench import ingest_bench, load_bench, retrieval_bench, vector_engine_bench
from bench.common import RESULTS, write_result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test, as `make test` runs it)")
    args = parser.parse_args(argv)
    results = {
        "ingest": ingest_bench.run(every=400 if args.quick else 10, synthetic_docs=9 if args.quick else 300),
        "retrieval": retrieval_bench.run(max_queries=8 if args.quick else None),
        "load": load_bench.run(
            duration_s=3 if args.quick else 60, concurrency=4 if args.quick else 16, quick=args.quick
        ),
        "vector_engine": vector_engine_bench.run(**({"chunks": 2_000, "queries": 20} if args.quick else {})),
    }
    lines = ["# Benchmark results", ""]
    for name, result in results.items():
        write_result(name, result)
        lines += [f"## {name}", "", "```json", json.dumps(result, indent=2), "```", ""]
    (RESULTS / "summary.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
