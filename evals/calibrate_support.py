"""Calibrate the support score of ``ragcore.llm.verify`` on labelled (claim, source sentence) pairs.

``python -m evals.calibrate_support [--pairs FILE] [--max-false-support 0.05]``

The pairs (``evals/datasets/support_calibration.jsonl``, written for this purpose) are paraphrases
of real corpus sentences (supported), the same claims against another sentence of the same
document or of another document (not supported: the "cited the wrong passage" case), and claims
that alter a fact of their source (not supported; reported only: embeddings and word overlap
cannot see a changed number or a negation, so these are a known limit, not a calibration target).
For each embedding weight on a 0.1 grid: the widest gap between paraphrases and wrong-passage
pairs wins (allowing ``max_false_support`` of the latter above it), threshold in its middle.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from ragcore.embedding import SentenceTransformerEmbedder
from ragcore.llm.verify import SupportScorer

DEFAULT_PAIRS = Path(__file__).resolve().parent / "datasets" / "support_calibration.jsonl"


def load_pairs(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def calibrate(pairs: list[dict], scorer: SupportScorer, *, max_false_support: float) -> dict:
    """Best ``(embedding_weight, min_support)`` and the rates it gives on ``pairs``.

    For each weight, the gap runs from the highest wrong-passage score still to be refused (the
    ``max_false_support`` share above it may pass) to the lowest paraphrase score; the weight with
    the widest gap wins and the threshold sits in the middle of it, so neither side is at its edge.
    """
    cosines = _cosines(pairs, scorer)
    overlaps = [scorer.overlap(p["claim"], p["source"]) for p in pairs]
    best: dict | None = None
    for step in range(11):
        w = step / 10
        scores = [w * c + (1 - w) * o for c, o in zip(cosines, overlaps)]
        wrong = sorted(
            (s for s, p in zip(scores, pairs) if p["kind"] in ("same-document", "other-document")), reverse=True
        )
        refused_from = wrong[min(math.floor(max_false_support * len(wrong)), len(wrong) - 1)]
        lowest_kept = min(s for s, p in zip(scores, pairs) if p["kind"] == "paraphrase")
        gap = lowest_kept - refused_from
        threshold = round((lowest_kept + refused_from) / 2, 2)
        result = {"embedding_weight": w, "min_support": threshold, "gap": round(gap, 3)} | rates(
            pairs, scores, threshold
        )
        if best is None or gap > best["gap"]:
            best = result
    assert best is not None
    return best


def rates(pairs: list[dict], scores: list[float], threshold: float) -> dict:
    """Share of each kind of pair accepted at ``threshold``."""
    out = {}
    for kind in ("paraphrase", "same-document", "other-document", "altered"):
        chosen = [s for s, p in zip(scores, pairs) if p["kind"] == kind]
        out[f"{kind}_kept"] = round(sum(s >= threshold for s in chosen) / len(chosen), 3) if chosen else None
    return out


def _cosines(pairs: list[dict], scorer: SupportScorer) -> list[float]:
    only_embedding = SupportScorer(scorer.embedder, embedding_weight=1.0)
    return only_embedding.scores([(p["claim"], p["source"]) for p in pairs])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--max-false-support", type=float, default=0.05)
    args = parser.parse_args(argv)
    scorer = SupportScorer(SentenceTransformerEmbedder(), embedding_weight=1.0)
    print(json.dumps(calibrate(load_pairs(args.pairs), scorer, max_false_support=args.max_false_support), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
