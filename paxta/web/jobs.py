"""Screening jobs for the API: an uploaded file screened in the background, its progress kept.

Uploads are written under paxta's home (size-limited while they stream in); the screening
itself is the library's ``screen_file``, so the job's results are also a saved screening that
``paxta review`` and ``paxta rescreen`` see.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paxta.config import inside_home
from paxta.errors import PaxtaError
from paxta.screen.batch import screen_file
from paxta.screen.matcher import Matcher
from paxta.store import open_store

SUFFIXES = (".csv", ".xlsx", ".jsonl", ".tsv")


@dataclass
class Job:
    """A screening job's state."""

    job_id: str
    filename: str
    state: str = "queued"  # queued, running, done, failed
    rows: int = 0
    screening_id: int | None = None
    decisions: dict[str, int] | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "job": self.job_id,
            "file": self.filename,
            "state": self.state,
            "rows": self.rows,
            "screening_id": self.screening_id,
            "decisions": self.decisions,
            "error": self.error,
        }


class Jobs:
    """Jobs of this server process, each in its own thread, one screening at a time."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._run_lock = threading.Lock()

    def folder(self) -> Path:
        path = inside_home("uploads")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def new(self, filename: str) -> tuple[Job, Path]:
        """A job and where its upload goes (the name is paxta's, only the suffix is kept)."""
        suffix = Path(filename).suffix.lower()
        if suffix not in SUFFIXES:
            raise PaxtaError(f"{filename}: upload a {', '.join(SUFFIXES)} file.")
        job = Job(uuid.uuid4().hex[:12], Path(filename).name)
        self._jobs[job.job_id] = job
        return job, self.folder() / f"{job.job_id}{suffix}"

    def get(self, job_id: str) -> Job | None:
        """A job by id."""
        return self._jobs.get(job_id)

    def results(self, job: Job) -> Path:
        """Where a job's results are written."""
        return self.folder() / f"{job.job_id}.results.csv"

    def start(self, job: Job, upload: Path, matcher: Matcher, name_column: str = "") -> None:
        """Screen ``upload`` in the background."""
        args = (job, upload, matcher, name_column)
        threading.Thread(target=self._run, args=args, daemon=True).start()

    def _run(self, job: Job, upload: Path, matcher: Matcher, name_column: str) -> None:
        with self._run_lock:  # one screening at a time: the store has one writer
            job.state = "running"
            store = open_store()
            try:

                def progress(rows: int) -> None:
                    job.rows = rows

                summary = screen_file(
                    store, matcher, upload, self.results(job), None, None, progress
                )
                job.rows, job.screening_id = summary.rows, summary.screening_id
                job.decisions = dict(summary.decisions)
                job.state = "done"
            except PaxtaError as exc:
                job.state, job.error = "failed", str(exc)
            except Exception as exc:  # a job must end in a state, whatever went wrong
                job.state, job.error = "failed", f"unexpected error: {type(exc).__name__}"
            finally:
                store.close()
