"""Answers already worked out, kept for the next time the same is asked, in bounded memories."""

from __future__ import annotations

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
