"""Operator-supplied labelled question sets for calibrating the scope guard and evidence gate.

A set is JSON Lines in the evaluation format (DESIGN.md section 4). Only single-turn items of the
calibration half (:func:`ragcore.scope.in_calibration_half`) are used; the other half is left for
reporting. Labels: ``out_of_scope`` refusals, ``insufficient_evidence`` refusals (unanswerable),
and answerable items (grouped by set and domain, so each keeps its own false-refusal budget).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ragcore.errors import ConfigError
from ragcore.scope import OUT_OF_SCOPE, UNANSWERABLE, in_calibration_half


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    label: str  # a group name for answerable questions, UNANSWERABLE or OUT_OF_SCOPE


def read_calibration_set(path: Path, limit: int) -> list[LabelledQuestion]:
    """At most ``limit`` questions of the set's calibration half, spread evenly by hash order."""
    if not path.is_file():
        raise ConfigError(f"calibration set {path} does not exist")
    picked: list[tuple[bytes, LabelledQuestion]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            question, history, reason = str(raw["question"]), raw.get("history") or [], raw.get("refusal_reason")
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}:{number}: not an evaluation item: {exc}") from exc
        if history or not question.strip() or not in_calibration_half(question):
            continue
        if reason == "out_of_scope":
            label = OUT_OF_SCOPE
        elif reason == "insufficient_evidence":
            label = UNANSWERABLE
        else:
            label = f"{path.stem}:{raw.get('domain') or 'any'}"
        picked.append((hashlib.sha1(question.encode("utf-8")).digest(), LabelledQuestion(question, label)))
    picked.sort(key=lambda pair: pair[0])
    return [q for _, q in picked[:limit]]


def calibration_sets_digest(paths: list[Path]) -> str:
    """Content hash of the sets, so a changed set triggers a rebuild like a changed document."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode("utf-8"))
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()
