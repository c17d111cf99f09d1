"""Release gates: a TOML file of ``min``/``max`` bounds on metrics, checked after a run.

    ["overall"]
    quote_validity = { min = 1.0 }
    false_refusal_rate = { max = 0.06 }

    ["per_domain.law"]
    gold_cited_rate_answerable = { min = 0.85 }

A table name is a dotted path into ``metrics.json``; a missing metric fails its gate.
"""

from __future__ import annotations

import tomllib
from pathlib import Path


def load_gates(path: Path) -> dict[str, dict[str, dict[str, float]]]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def check_gates(metrics: dict, gates: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Human-readable failures; empty when every gate holds."""
    failures = []
    for table, bounds in gates.items():
        node: object = metrics
        for part in table.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        for metric, bound in bounds.items():
            value = node.get(metric) if isinstance(node, dict) else None
            where = f"{table}.{metric}"
            if not isinstance(value, int | float):
                failures.append(f"{where} is missing")
                continue
            if "min" in bound and value < bound["min"]:
                failures.append(f"{where} = {value} is below the gate {bound['min']}")
            if "max" in bound and value > bound["max"]:
                failures.append(f"{where} = {value} is above the gate {bound['max']}")
    return failures
