"""Background re-ingest jobs started over HTTP; one at a time."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from ingest.runner import run_ingest
from ragcore.pipeline import Pipeline

log = logging.getLogger(__name__)


class JobConflict(Exception):
    """Another ingest job is still running."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"ingest job {job_id} is still running; wait for it to finish")
        self.job_id = job_id


@dataclass
class Job:
    id: str
    status: str = "running"  # running | succeeded | failed
    stage: str = "loading"
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    result: dict | None = None
    error: str | None = None


class _Progress:
    """tqdm-shaped sink that records progress on the job."""

    def __init__(self, job: Job, total: int, stage: str) -> None:
        self.job = job
        job.stage, job.done, job.total = stage, 0, total

    def update(self, n: int) -> None:
        self.job.done += n

    def close(self) -> None:
        pass


class JobRunner:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._running: Job | None = None

    def start_reindex(self, pipeline: Pipeline) -> Job:
        with self._lock:
            if self._running is not None and self._running.status == "running":
                raise JobConflict(self._running.id)
            job = Job(uuid.uuid4().hex)
            self._jobs[job.id] = job
            self._running = job
        threading.Thread(target=self._run, args=(job, pipeline), name=f"ingest-{job.id[:8]}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def statuses(self) -> list[str]:
        """The status of every job started by this process (for metrics)."""
        with self._lock:
            return [job.status for job in self._jobs.values()]

    def _run(self, job: Job, pipeline: Pipeline) -> None:
        settings = pipeline.settings
        try:
            result = run_ingest(
                settings,
                settings.corpus_dir,
                embedder=pipeline.embedder,
                progress=lambda total, stage: _Progress(job, total, stage),
            )
            job.result = result.to_dict()
            job.stage, job.status = "published", "succeeded"
            pipeline.reload_if_changed()
            log.info("ingest job %s published version %s", job.id, result.version)
        except Exception as exc:  # the job reports it; the live version is untouched
            log.exception("ingest job %s failed", job.id)
            job.status, job.error = "failed", str(exc)
        finally:
            job.finished = time.time()
