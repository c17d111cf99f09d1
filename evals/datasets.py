"""Evaluation sets in the JSON Lines format of DESIGN.md section 4, with validation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED = ("id", "question", "history", "domain", "should_refuse", "refusal_reason", "gold_sources", "gold_sections")
REASONS = (None, "out_of_scope", "insufficient_evidence", "unsafe")


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    history: list[dict] = field(default_factory=list)
    domain: str | None = None
    should_refuse: bool = False
    refusal_reason: str | None = None
    gold_sources: list[str] = field(default_factory=list)
    gold_sections: list[str] = field(default_factory=list)
    reference_answer: str | None = None
    extra: dict = field(default_factory=dict)


class DatasetError(ValueError):
    """An evaluation file that does not follow the format; names the file and line."""


def load_dataset(path: Path) -> list[EvalItem]:
    items = []
    seen: set[str] = set()
    # split on "\n" only: str.splitlines() would also break inside strings holding U+2028 and friends
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise DatasetError(f"{path}:{number}: not JSON: {exc}") from exc
        missing = [k for k in REQUIRED if k not in raw]
        if missing:
            raise DatasetError(f"{path}:{number}: missing keys {missing}")
        if raw["refusal_reason"] not in REASONS or raw["should_refuse"] != (raw["refusal_reason"] is not None):
            raise DatasetError(f"{path}:{number}: should_refuse and refusal_reason disagree")
        if raw["id"] in seen:
            raise DatasetError(f"{path}:{number}: duplicate id {raw['id']!r}")
        seen.add(raw["id"])
        known = {k: raw[k] for k in (*REQUIRED, "reference_answer") if k in raw}
        items.append(EvalItem(**known, extra={k: v for k, v in raw.items() if k not in known}))
    return items
