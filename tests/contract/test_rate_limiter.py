"""Contract of the ``RateLimiter`` seam: every backend subclasses the contract class and provides
a ``make_limiter(rate, burst)`` fixture returning a fresh limiter."""

import time

import pytest

from service.ratelimit import TokenBucketLimiter, retry_after_header


class RateLimiterContract:
    def test_burst_is_allowed_then_refused_with_a_wait(self, make_limiter):
        limiter = make_limiter(rate=0.5, burst=3)
        assert [limiter.acquire("key:a") for _ in range(3)] == [None, None, None]
        wait = limiter.acquire("key:a")
        assert wait is not None and 0 < wait <= 2.0  # one token refills in 1 / 0.5 s

    def test_keys_have_separate_buckets(self, make_limiter):
        limiter = make_limiter(rate=0.5, burst=1)
        assert limiter.acquire("key:a") is None
        assert limiter.acquire("key:a") is not None
        assert limiter.acquire("key:b") is None

    def test_bucket_refills_after_the_wait_it_named(self, make_limiter):
        limiter = make_limiter(rate=10.0, burst=1)
        assert limiter.acquire("ip:1") is None
        wait = limiter.acquire("ip:1")
        assert wait is not None
        time.sleep(wait + 0.05)
        assert limiter.acquire("ip:1") is None


class TestTokenBucketLimiter(RateLimiterContract):
    @pytest.fixture
    def make_limiter(self):
        return lambda *, rate, burst: TokenBucketLimiter(rate=rate, burst=burst)


def test_token_bucket_refills_continuously_with_a_clock():
    now = [100.0]
    limiter = TokenBucketLimiter(rate=2.0, burst=2, clock=lambda: now[0])
    assert limiter.acquire("k") is None and limiter.acquire("k") is None
    assert limiter.acquire("k") == pytest.approx(0.5)
    now[0] += 0.25
    assert limiter.acquire("k") == pytest.approx(0.25)  # half a token so far; refusals take nothing
    now[0] += 0.25
    assert limiter.acquire("k") is None
    now[0] += 100
    results = [limiter.acquire("k") for _ in range(3)]
    assert results[:2] == [None, None] and results[2] is not None  # never more than burst


def test_idle_buckets_are_dropped_beyond_max_keys():
    now = [0.0]
    limiter = TokenBucketLimiter(rate=1.0, burst=1, max_keys=10, clock=lambda: now[0])
    for i in range(10):
        limiter.acquire(f"k{i}")
    now[0] += 5  # every bucket has refilled
    limiter.acquire("new")
    assert len(limiter._buckets) == 1


def test_retry_after_is_whole_seconds_and_never_zero():
    assert retry_after_header(0.01) == "1"
    assert retry_after_header(1.2) == "2"
