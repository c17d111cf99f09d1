"""Prometheus metrics for ``/metrics``, kept in a registry of the app's own (one per app).

- ``docent_http_requests_total{method,route,status}`` and
  ``docent_http_request_duration_seconds{method,route}``: every request, by route template (never the
  raw path, so ids cannot blow up the label set).
- ``docent_pipeline_stage_seconds{stage}``: the pipeline's own ``timings_ms`` (embed, retrieve,
  generate, total) per chat answer.
- ``docent_refusals_total{reason}``, ``docent_answers_total``, ``docent_citations_per_answer``.
- ``docent_index_info{version}`` (1 for the version serving) and
  ``docent_ingest_jobs{status}`` (jobs started over HTTP, by status), read when scraped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ragcore.answers import ChatResult

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ServiceMetrics:
    def __init__(self, *, index_version: Callable[[], str | None], job_statuses: Callable[[], list[str]]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "docent_http_requests", "HTTP requests answered.", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "docent_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.stages = Histogram(
            "docent_pipeline_stage_seconds",
            "Time spent per pipeline stage of a chat answer.",
            ["stage"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.refusals = Counter("docent_refusals", "Chat turns refused, by reason.", ["reason"], registry=self.registry)
        self.answers = Counter("docent_answers", "Chat turns answered with citations.", registry=self.registry)
        self.citations = Histogram(
            "docent_citations_per_answer",
            "Citations in each answered (not refused) chat turn.",
            buckets=(0, 1, 2, 3, 4, 5, 8, 12),
            registry=self.registry,
        )
        self.registry.register(_StateCollector(index_version, job_statuses))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_chat(self, result: ChatResult) -> None:
        for stage, ms in (result.timings_ms or {}).items():
            self.stages.labels(stage).observe(ms / 1000.0)
        if result.refusal is not None:
            self.refusals.labels(result.refusal.reason).inc()
        else:
            self.answers.inc()
            self.citations.observe(len(result.citations))


class _StateCollector(Collector):
    """Gauges computed at scrape time from the app's state."""

    def __init__(self, index_version: Callable[[], str | None], job_statuses: Callable[[], list[str]]) -> None:
        self.index_version = index_version
        self.job_statuses = job_statuses

    def collect(self) -> Iterator[GaugeMetricFamily]:
        info = GaugeMetricFamily("docent_index_info", "The index version serving (value 1).", labels=["version"])
        version = self.index_version()
        if version is not None:
            info.add_metric([version], 1.0)
        yield info
        jobs = GaugeMetricFamily("docent_ingest_jobs", "Ingest jobs started over HTTP, by status.", labels=["status"])
        statuses = self.job_statuses()
        for status in ("running", "succeeded", "failed"):
            jobs.add_metric([status], float(statuses.count(status)))
        yield jobs


router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"description": "Prometheus text format.", "content": {"text/plain": {"schema": {"type": "string"}}}}
    },
)
def metrics(request: Request) -> Response:
    """Counters and histograms in the Prometheus text format (for a scraper on the private network)."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
