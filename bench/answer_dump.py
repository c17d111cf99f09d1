"""Dump what the chat pipeline answers for an evaluation set, one JSON line per item, for diffing.

A latency change must not change any answer: run this before and after and ``diff`` the files.
Each line holds the item id, the rewritten query, the refusal reason, the domain, the answer text
and every citation (doc, offsets, quote, score) — plus the ranked chunk ids ``search`` returns.
History turns are replayed as one conversation, as ``docent eval run`` does.

    .venv/bin/python -m bench.answer_dump --index var/index --out /tmp/before.jsonl
    DOCENT_EMBEDDING_BACKEND=onnx-int8 .venv/bin/python -m bench.answer_dump --index var/index-int8 --out ...
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.common import PROJECT


def dump(index: Path, dataset: Path, out: Path, *, limit: int | None = None) -> int:
    from evals.datasets import load_dataset
    from ragcore.conversations import SQLiteConversationStore
    from ragcore.pipeline import build_pipeline
    from ragcore.settings import Settings

    pipeline = build_pipeline(
        Settings(index_dir=index, reload_interval_s=0), conversations=SQLiteConversationStore(":memory:")
    )
    items = load_dataset(dataset)[:limit]
    with out.open("w", encoding="utf-8") as f:
        for item in items:
            conversation_id = None
            for turn in item.history:
                if turn.get("role") == "user":
                    conversation_id = pipeline.chat(turn["content"], conversation_id).conversation_id
            result = pipeline.chat(item.question, conversation_id)
            line = {
                "id": item.id,
                "rewritten_query": result.rewritten_query,
                "refusal": result.refusal.reason if result.refusal else None,
                "domain": result.domain,
                "answer": result.answer,
                "citations": [
                    [c.n, c.doc_id, c.char_start, c.char_end, c.section, c.quote, c.score] for c in result.citations
                ],
                "search": [h.record.chunk_id for h in pipeline.search(result.rewritten_query)],
            }
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(items)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=PROJECT / "var" / "index")
    parser.add_argument("--dataset", type=Path, default=PROJECT / "evals" / "datasets" / "dev.jsonl")
    parser.add_argument("--limit", type=int, default=None, help="the first N items only")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    count = dump(args.index, args.dataset, args.out, limit=args.limit)
    print(f"{count} items -> {args.out}")


if __name__ == "__main__":
    main()
