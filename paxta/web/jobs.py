"""Screening jobs for the API: an uploaded file screened in the background, its progress kept.

Uploads are written under paxta's home (size-limited while they stream in); the screening
itself is the library's ``screen_file``, so the job's results are also a saved screening that
``paxta review`` and ``paxta rescreen`` see. A job's state is a small JSON file beside its
upload, so every server worker (and a restarted server) can answer for it.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from paxta.config import inside_home
from paxta.errors import PaxtaError
from paxta.files import open_table
from paxta.screen.batch import Columns, guess_columns, screen_file
from paxta.screen.matcher import Matcher
from paxta.store import open_store

SUFFIXES = (".csv", ".xlsx", ".jsonl", ".tsv")
_JOB_ID = re.compile(r"^[0-9a-f]{12}$")
PROGRESS_EVERY = 1.0  # seconds between progress writes


@dataclass
class Job:
    """A screening job's state."""

    job_id: str
    filename: str
    state: str = "queued"  # waiting (for its columns), queued, running, done, failed
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
    """Screening jobs, each in its own thread, one screening at a time per process; their
    state is kept in files under paxta's home."""

    def __init__(self) -> None:
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
        self.save(job)
        return job, self.folder() / f"{job.job_id}{suffix}"

    def save(self, job: Job) -> None:
        """Write the job's state (whole: to a temporary file first, then renamed)."""
        target = self.folder() / f"{job.job_id}.job.json"
        partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.partial")
        partial.write_bytes(orjson.dumps(job.as_json()))
        partial.replace(target)

    def discard(self, job: Job) -> None:
        """Forget a job whose upload was refused."""
        (self.folder() / f"{job.job_id}.job.json").unlink(missing_ok=True)

    def get(self, job_id: str) -> Job | None:
        """A job by id (None for an unknown or malformed id)."""
        if not _JOB_ID.match(job_id):
            return None
        path = self.folder() / f"{job_id}.job.json"
        if not path.is_file():
            return None
        data = orjson.loads(path.read_bytes())
        return Job(
            data["job"],
            data["file"],
            data["state"],
            data["rows"],
            data["screening_id"],
            data["decisions"],
            data["error"],
        )

    def recent(self, limit: int = 50) -> list[Job]:
        """The newest jobs first (past screenings an analyst comes back to)."""
        paths = sorted(
            self.folder().glob("*.job.json"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        found = (self.get(p.name.split(".")[0]) for p in paths[:limit])
        return [job for job in found if job is not None]

    def results(self, job: Job) -> Path:
        """Where a job's results are written."""
        return self.folder() / f"{job.job_id}.results.csv"

    def upload(self, job: Job) -> Path:
        """Where a job's upload was written."""
        return self.folder() / f"{job.job_id}{Path(job.filename).suffix.lower()}"

    def start(
        self, job: Job, upload: Path, matcher: Matcher, columns: Columns | None = None
    ) -> None:
        """Screen ``upload`` in the background, by ``columns`` (found from its header when
        None: the name and, when their headers say so, the address, country and registry ID)."""
        job.state = "queued"
        self.save(job)
        args = (job, upload, matcher, columns)
        threading.Thread(target=self._run, args=args, daemon=True).start()

    def _run(self, job: Job, upload: Path, matcher: Matcher, columns: Columns | None) -> None:
        with self._run_lock:  # one screening at a time: the store has one writer
            job.state = "running"
            self.save(job)
            written = time.monotonic()
            try:
                columns = columns or _guessed(upload, job.filename)
                store = open_store()
            except PaxtaError as exc:
                job.state, job.error = "failed", _in_words(exc, upload, job.filename)
                self.save(job)
                return
            try:

                def progress(rows: int) -> None:
                    nonlocal written
                    job.rows = rows
                    if time.monotonic() - written >= PROGRESS_EVERY:
                        self.save(job)
                        written = time.monotonic()

                summary = screen_file(
                    store, matcher, upload, self.results(job), columns, None, progress
                )
                job.rows, job.screening_id = summary.rows, summary.screening_id
                job.decisions = dict(summary.decisions)
                job.state = "done"
            except PaxtaError as exc:
                job.state, job.error = "failed", _in_words(exc, upload, job.filename)
            except Exception as exc:  # a job must end in a state, whatever went wrong
                job.state, job.error = "failed", f"unexpected error: {type(exc).__name__}"
            finally:
                store.close()
                self.save(job)


def _guessed(upload: Path, filename: str) -> Columns:
    """The columns of an upload, from its header (an error in words when no name column)."""
    available = open_table(upload).columns
    found = guess_columns(available)
    if found is None:
        raise PaxtaError(
            f"{filename}: no column of party names found among {', '.join(available)}: "
            "say which column holds them (name_column)."
        )
    return found


def _in_words(exc: PaxtaError, upload: Path, filename: str) -> str:
    """An error as the analyst reads it: the file they uploaded, never where the server keeps it."""
    return str(exc).replace(str(upload), filename).replace(str(upload.parent), "uploads")
