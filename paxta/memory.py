"""Answers already worked out, kept for the next time the same is asked, in bounded memories."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memory: dict[K, V], key: K, value: V, most: int) -> V:
    """``value`` kept in ``memory`` under ``key`` and returned; a memory holding ``most``
    already is forgotten whole first (cheaper than knowing which to forget, and what a run
    asks again it asks soon)."""
    if len(memory) >= most:
        memory.clear()
    memory[key] = value
    return value


@contextlib.contextmanager
def set_aside_for_the_run() -> Iterator[Callable[[], None]]:
    """For a run whose answers live as long as it does: the function it gives sets what the
    process holds aside from Python's collector, which would otherwise sweep it young and
    again older (and, in a forked worker, copy the pages it touches); everything is given back
    when the run ends, finished, failed or abandoned. Nothing is set aside when something else
    had set objects aside already: giving back would give theirs back too."""
    mine = gc.get_freeze_count() == 0

    def aside() -> None:
        if mine:
            gc.freeze()

    try:
        yield aside
    finally:
        if mine:
            gc.unfreeze()
