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
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ragcore.pipeline import Pipeline, build_pipeline
from ragcore.settings import Settings
from service.admin import router as admin_router
from service.auth import KeyRing
from service.conversation_routes import router as conversation_router
from service.errors import ServiceUnavailable, install_error_handlers
from service.jobs import JobRunner
from service.limits import LimitsMiddleware
from service.metrics import ServiceMetrics
from service.metrics import router as metrics_router
from service.observability import RequestContextMiddleware
from service.openapi_docs import document_optional_auth
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

    def purge_expired_conversations() -> None:
        retention = settings.conversation_retention_s
        holder.ready.wait()
        while holder.pipeline is not None and retention > 0:
            try:
                purged = holder.pipeline.conversations.purge_older_than(retention)
                if purged:
                    log.info("purged %d conversations idle for over %g s", purged, retention)
            except Exception:
                log.exception("could not purge old conversations")
            if stop.wait(min(600.0, max(0.5, retention / 4))):
                return

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        for target, name in ((load, "docent-index-loader"), (purge_expired_conversations, "docent-retention")):
            threading.Thread(target=target, name=name, daemon=True).start()
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
    app.state.keys = KeyRing.from_settings(settings)
    app.state.metrics = ServiceMetrics(
        index_version=lambda: holder.pipeline.index_version if holder.pipeline else None,
        job_statuses=app.state.jobs.statuses,
    )
    document_optional_auth(app, chat_keys_required=app.state.keys.has_role("chat"))
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(conversation_router)
    app.include_router(admin_router)
    app.include_router(metrics_router)
    limiter = rate_limiter if rate_limiter is not None else RATE_LIMITERS[settings.limits.rate_limiter](settings)
    app.state.rate_limiter = limiter
    # Added innermost first: request context (ids, logs, metrics) -> CORS -> limits -> routes.
    app.add_middleware(
        LimitsMiddleware,
        limiter=limiter,
        keys=app.state.keys,
        max_body_bytes=settings.limits.max_body_bytes,
        timeout_s=settings.limits.request_timeout_s,
    )
    if settings.cors_origins:  # closed by default: no CORS headers at all
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        """The chat page: one static file, no build step, no CDN."""
        return FileResponse(STATIC / "index.html")

    return app
