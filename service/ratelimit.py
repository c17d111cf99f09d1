"""The ``RateLimiter`` seam and its in-memory token bucket.

The service asks the limiter once per request, with the caller's identity (``key:<hash>`` when a
Bearer key was sent, ``ip:<address>`` otherwise); a refusal becomes a 429 with ``Retry-After``.
The backend is chosen by name in the composition root (:func:`service.app.create_app`) from
``DOCENT_LIMITS__RATE_LIMITER``, so a shared store (Redis) can replace the in-process one when
several workers serve together.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol


class RateLimiter(Protocol):
    """Decides whether one more request from ``key`` may proceed now.

    Contract (every backend keeps it):

    - ``acquire(key)`` takes one token from ``key``'s bucket and returns ``None`` when the request
      may proceed, otherwise the seconds (> 0) until a token will be available — the caller sends
      that, rounded up, as ``Retry-After`` and does not retry sooner. A refused call takes nothing.
    - Buckets start full (``burst`` tokens) and refill continuously at ``rate`` tokens per second
      up to ``burst``; keys are independent.
    - Safe to call from several threads (and, for shared backends, several processes).

    Example::

        limiter = TokenBucketLimiter(rate=1.0, burst=2)
        assert limiter.acquire("ip:127.0.0.1") is None
        assert limiter.acquire("ip:127.0.0.1") is None
        wait = limiter.acquire("ip:127.0.0.1")  # about 1.0: the bucket is empty
    """

    def acquire(self, key: str) -> float | None: ...


class TokenBucketLimiter:
    """Token buckets in this process's memory (one worker; lost on restart).

    Idle buckets are dropped once more than ``max_keys`` exist, so random keys cannot grow memory
    without bound: a bucket that has refilled to ``burst`` carries no state worth keeping.
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate ({rate}) must be > 0 and burst ({burst}) >= 1")
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, time of last update)

    def acquire(self, key: str) -> float | None:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self.max_keys:
                    self._drop_idle(now)
                return None
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _drop_idle(self, now: float) -> None:
        full = [k for k, (tokens, last) in self._buckets.items() if tokens + (now - last) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]


def retry_after_header(wait_s: float) -> str:
    """``Retry-After`` in whole seconds, never 0 (a client retrying at once would be refused again)."""
    return str(max(1, math.ceil(wait_s)))
