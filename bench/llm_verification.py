"""How much of a language model's answer survives citation verification.

``python -m bench.llm_verification --index var/index [--n 20] [--generator llamacpp]``

Takes ``n`` answerable questions from ``evals/datasets/dev.jsonl`` (every k-th, so all domains
appear), retrieves evidence as the pipeline does, lets the configured ``llm`` generator answer,
and counts the generated sentences that survived verification (cited, and supported by what they
cite), the reasons the others were removed, and how many answers fell back to the extractive one.
Writes ``bench/results/llm_verification.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bench.common import PROJECT, write_result
from ragcore.injection import screen_evidence
from ragcore.llm.generator import LLMGenerator
from ragcore.pipeline import build_pipeline
from ragcore.settings import Settings

DEV = PROJECT / "evals" / "datasets" / "dev.jsonl"


def pick_questions(path: Path, n: int) -> list[dict]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [i for i in items if not i["should_refuse"] and not i["history"]]
    step = max(1, len(answerable) // n)
    return answerable[::step][:n]


def run(index: Path, *, n: int = 20, generator: str = "llamacpp", dataset: Path = DEV) -> dict:
    settings = Settings(index_dir=index, generator=generator)  # type: ignore[arg-type]
    pipeline = build_pipeline(settings)
    llm = pipeline.serving.generator
    assert isinstance(llm, LLMGenerator)
    reasons: Counter[str] = Counter()
    answers = fell_back = no_reply = 0
    started = time.perf_counter()
    examples = []
    for item in pick_questions(dataset, n):
        question = item["question"]
        evidence = screen_evidence(
            pipeline.serving.retriever.retrieve(question, pipeline.embedder.embed_query(question))
        )
        draft, report = llm.answer(question, evidence)
        answers += 1
        fell_back += draft.generator != llm.name
        if report is None:
            no_reply += 1
            continue
        reasons.update(v.reason for v in report.verdicts)
        if len(examples) < 3:
            examples.append({"question": question, "verdicts": [[v.reason, v.claim.text] for v in report.verdicts]})
    total = sum(reasons.values())
    return {
        "generator": llm.name,
        "questions": answers,
        "generated_sentences": total,
        "survived": reasons["supported"],
        "survival_rate": round(reasons["supported"] / total, 3) if total else None,
        "removed": {k: v for k, v in reasons.items() if k != "supported"},
        "answers_falling_back": fell_back,
        "calls_without_reply": no_reply,
        "seconds": round(time.perf_counter() - started, 1),
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=PROJECT / "var" / "index")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--generator", default="llamacpp", choices=["openai", "ollama", "llamacpp"])
    args = parser.parse_args(argv)
    result = run(args.index, n=args.n, generator=args.generator)
    write_result("llm_verification", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
