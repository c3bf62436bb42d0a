"""Worker processes that end with the process that started them.

A pool's workers outlive a parent killed with SIGKILL (nothing runs in the parent to stop them):
each would keep its share of the index (hundreds of MB) until it finished its queue. Every pool
paxta starts runs :func:`die_with_parent` in each worker first.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to end this process when its parent dies (Linux; elsewhere nothing), and
    let SIGTERM end it.

    A worker forked from a server inherits the server's handler for SIGTERM, and uvicorn's
    only sets a flag: a pool's ``terminate`` then never ended a worker waiting for work, and
    an upload screened by workers could wait for it for ever (a race: one job in a few)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


BATCH_NICENESS = 10


def batch_worker() -> None:
    """A worker of batch work (parsing a list, indexing names): it ends with its parent and
    yields the processor to interactive work (a server answering, a user's match)."""
    die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(BATCH_NICENESS)
