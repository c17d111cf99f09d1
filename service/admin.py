"""Operator routes under ``/v1/admin``: re-ingest, job progress, live version, rollback.

They need an admin key (``Authorization: Bearer <key>``, see :mod:`service.auth`); without a
configured admin key they are disabled (404). Paths are never taken from requests: re-ingest
always reads the configured corpus root.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from ingest.runner import rollback_index
from ragcore.index_store import IndexStore
from ragcore.pipeline import Pipeline
from service.auth import AdminDep
from service.openapi_docs import V1_ERRORS, error_responses
from service.routes import get_pipeline

router = APIRouter(prefix="/v1/admin", tags=["admin"])
_ERRORS = error_responses(*V1_ERRORS, 403, 404, 409)


PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]


class JobPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "4f2c0d9e8b7a4c1e9a3d2b1c0f9e8d7c",
                    "status": "running",
                    "stage": "embedding",
                    "done": 120,
                    "total": 480,
                    "started": 1764175934.2,
                    "finished": None,
                    "result": None,
                    "error": None,
                }
            ]
        }
    )

    id: str
    status: str
    stage: str
    done: int
    total: int
    started: float
    finished: float | None
    result: dict | None
    error: str | None


class IndexPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "live_version": "20261126T165214524691Z-464ce3",
                    "serving_version": "20261126T165214524691Z-464ce3",
                    "versions": ["20261125T101010000000Z-1a2b3c", "20261126T165214524691Z-464ce3"],
                    "manifest": {"model_id": "all-MiniLM-L6-v2", "dim": 384},
                }
            ]
        }
    )

    live_version: str | None
    serving_version: str
    versions: list[str]
    manifest: dict


class RollbackCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{}, {"version": "20261125T101010000000Z-1a2b3c"}]}
    )
    version: str | None = Field(None, pattern=r"^[0-9A-Za-z_-]{1,80}$", description="Default: the previous version.")


@router.post("/reindex", status_code=202, response_model=JobPublic, responses=_ERRORS)
def reindex(_: AdminDep, request: Request, pipeline: PipelineDep) -> JobPublic:
    """Start re-ingesting the configured corpus root in the background (one job at a time: 409)."""
    job = request.app.state.jobs.start_reindex(pipeline)
    return JobPublic(**job.__dict__)


@router.get("/jobs/{job_id}", response_model=JobPublic, responses=_ERRORS)
def job_status(_: AdminDep, request: Request, job_id: str) -> JobPublic:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no ingest job {job_id!r}")
    return JobPublic(**job.__dict__)


@router.get("/index", response_model=IndexPublic, responses=_ERRORS)
def index_info(_: AdminDep, pipeline: PipelineDep) -> IndexPublic:
    store: IndexStore = pipeline.store
    manifest = {k: v for k, v in pipeline.serving.index.manifest.items() if k not in ("chunk_ids", "documents")}
    return IndexPublic(
        live_version=store.current_version(),
        serving_version=pipeline.index_version,
        versions=store.versions(),
        manifest=manifest,
    )


@router.post("/index/rollback", response_model=IndexPublic, responses=_ERRORS)
def rollback(_: AdminDep, body: RollbackCreate, pipeline: PipelineDep) -> IndexPublic:
    """Make an older version live and swap it in."""
    rollback_index(pipeline.settings, body.version)
    pipeline.reload_if_changed()
    return index_info(None, pipeline)
