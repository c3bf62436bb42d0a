"""One error type for everything a user can get wrong.

A :class:`PaxtaError` carries one sentence that names the file, row or field; the CLI prints
it and exits non-zero, never with a traceback.
"""

from __future__ import annotations

from pathlib import Path


class PaxtaError(Exception):
    """A problem the user can fix: bad input, a missing file, a wrong option."""


class InputError(PaxtaError):
    """A problem in one input file, located to a line and, where known, a field."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.problem = problem
        where = self.path
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword arguments survive pickling, so workers can raise it to the parent process.
        return (_rebuild_input_error, (self.path, self.problem, self.line, self.field))


def _rebuild_input_error(
    path: str, problem: str, line: int | None, field: str | None
) -> InputError:
    return InputError(path, problem, line=line, field=field)


def sentence(text: str) -> str:
    """``text`` ending as a sentence does (a full stop added when it has none), so another can
    follow it."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."
