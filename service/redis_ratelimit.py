"""``RateLimiter`` on Redis: one token bucket per caller, shared by every replica.

The whole take-a-token step is one Lua script, so it is atomic across processes, and it reads
Redis's own clock (``TIME``), so replicas with drifting clocks still agree. A bucket expires once
it would have refilled (``burst / rate`` seconds idle), which bounds memory however many keys
callers invent. If Redis cannot be reached the limiter lets the request through and logs it:
an outage of the shared limiter should not take the service down with it.
"""

from __future__ import annotations

import logging
import math

import redis

log = logging.getLogger(__name__)

_TAKE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens, ts = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, ts = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = -1
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return tostring(wait)
"""


class RedisRateLimiter:
    """Token buckets in Redis (``<prefix>rate:<key>``), global across processes."""

    def __init__(self, client: redis.Redis, *, rate: float, burst: int, prefix: str = "docent:") -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate ({rate}) must be > 0 and burst ({burst}) >= 1")
        self.rate, self.burst = rate, burst
        self._prefix = prefix
        self._take = client.register_script(_TAKE)
        self._ttl_ms = math.ceil(burst / rate * 1000) + 1000

    @classmethod
    def from_url(cls, url: str, *, rate: float, burst: int, prefix: str = "docent:") -> RedisRateLimiter:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)
        return cls(client, rate=rate, burst=burst, prefix=prefix)

    def acquire(self, key: str) -> float | None:
        try:
            wait = float(self._take(keys=[f"{self._prefix}rate:{key}"], args=[self.rate, self.burst, self._ttl_ms]))
        except redis.RedisError as exc:
            log.warning("rate limiter unavailable, request allowed: %s", exc)
            return None
        return None if wait < 0 else max(wait, 1e-6)
