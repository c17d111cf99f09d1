"""The FastAPI application factory.

The index loads in a background thread so the process answers ``/healthz`` at once and
``/readyz`` (503 until then) tells a load balancer when to send traffic. A watcher thread swaps
in a new index version when ``CURRENT`` changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ragcore.pipeline import Pipeline, build_pipeline
from ragcore.settings import Settings
from service.admin import router as admin_router
from service.errors import ServiceUnavailable, install_error_handlers
from service.jobs import JobRunner
from service.limits import LimitsMiddleware
from service.ratelimit import RateLimiter, TokenBucketLimiter
from service.routes import router

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


# Rate-limiter backends by name (DOCENT_LIMITS__RATE_LIMITER); None means no limit.
RATE_LIMITERS: dict[str, Callable[[Settings], RateLimiter | None]] = {
    "memory": lambda s: TokenBucketLimiter(rate=s.limits.rate_per_s, burst=s.limits.burst),
    "redis": lambda s: _redis_limiter(s),
    "off": lambda s: None,
}


def _redis_limiter(settings: Settings) -> RateLimiter:
    from service.redis_ratelimit import RedisRateLimiter

    assert settings.redis_url is not None  # Settings validates this
    return RedisRateLimiter.from_url(
        settings.redis_url, rate=settings.limits.rate_per_s, burst=settings.limits.burst, prefix=settings.redis_prefix
    )


class PipelineHolder:
    """Holds the pipeline once it has loaded, or the reason it could not."""

    def __init__(self) -> None:
        self.pipeline: Pipeline | None = None
        self.error: str | None = None
        self.ready = threading.Event()

    def get(self) -> Pipeline:
        if self.pipeline is None:
            raise ServiceUnavailable(self.error or "the index is still loading; retry shortly")
        return self.pipeline


def create_app(
    settings: Settings,
    *,
    pipeline_factory: Callable[[Settings], Pipeline] = build_pipeline,
    rate_limiter: RateLimiter | None = None,
) -> FastAPI:
    """The composition root of the service. ``rate_limiter`` replaces the one settings name."""
    holder = PipelineHolder()
    stop = threading.Event()

    def load() -> None:
        try:
            holder.pipeline = pipeline_factory(settings)
            log.info("index version %s loaded", holder.pipeline.index_version)
        except Exception as exc:  # reported through /readyz, never a crash loop
            log.exception("could not load the index")
            holder.error = f"index failed to load: {exc}"
        finally:
            holder.ready.set()
        while (
            holder.pipeline is not None and settings.reload_interval_s > 0 and not stop.wait(settings.reload_interval_s)
        ):
            try:
                holder.pipeline.reload_if_changed()
            except Exception:
                log.exception("could not swap in the new index version; still serving the old one")

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=load, name="docent-index-loader", daemon=True)
        thread.start()
        yield
        stop.set()

    app = FastAPI(
        title="Docent",
        version="0.1.0",
        description="Answers healthcare, law and education questions only from its sources, with citations.",
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.state.settings = settings
    app.state.jobs = JobRunner()
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(admin_router)
    limiter = rate_limiter if rate_limiter is not None else RATE_LIMITERS[settings.limits.rate_limiter](settings)
    app.state.rate_limiter = limiter
    app.add_middleware(
        LimitsMiddleware,
        limiter=limiter,
        max_body_bytes=settings.limits.max_body_bytes,
        timeout_s=settings.limits.request_timeout_s,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        """The chat page: one static file, no build step, no CDN."""
        return FileResponse(STATIC / "index.html")

    return app
