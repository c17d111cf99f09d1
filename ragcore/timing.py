"""Milliseconds since a ``time.perf_counter()`` reading, as the responses' ``timings_ms`` report them."""

from __future__ import annotations

import time


def elapsed_ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000.0, 2)
