"""The name, screening and locating code compiled by mypyc, used only while it matches the source.

``make`` compiles the modules in :data:`COMPILED` together with mypyc (part of mypy, a dev
dependency) when a C compiler is there (``tools/build_native.py``). Each compiled module sits
next to its source as ``<module>.native.so``, a name Python's own import never picks, and
``native.json`` beside this file records the interpreter it was built for and the SHA-256 of
every paxta source it was compiled from or against. :func:`install`, run as paxta is imported,
sends those modules' imports to the compiled files only when every recorded source is
unchanged and the interpreter is the same; otherwise, or with ``PAXTA_PURE=1``, the Python
answers, as it does without ``make``. The compiled code gives the same answers, quicker: a
test screens and locates the same names both ways. (A compiled module's ``__file__`` names
where mypyc would have put it, not the file it came from; none of these modules reads it.)
"""

from __future__ import annotations

import copyreg
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import fields
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE = Path(__file__).resolve().parent
MANIFEST = PACKAGE / "native.json"
SUFFIX = ".native.so"  # (Python's own import looks for "<module>.so" and "<module>.cpython-*.so")

# The modules compiled together: a name's features, the comparisons, the screening index and
# matcher, and the address locator (where a screening's time goes).
COMPILED = (
    "paxta.scripts",
    "paxta.names.chinese",
    "paxta.names.confusables",
    "paxta.names.english",
    "paxta.names.features",
    "paxta.names.party",
    "paxta.names.placekeys",
    "paxta.names.romanised",
    "paxta.names.transliterate",
    "paxta.names.vocabulary",
    "paxta.places.locator",
    "paxta.screen.aliases",
    "paxta.screen.compare",
    "paxta.screen.comparison",
    "paxta.screen.index",
    "paxta.screen.matcher",
    "paxta.screen.place_level",
    "paxta.screen.same",
    "paxta.screen.tradename",
)


def source_of(module: str) -> Path:
    """A paxta module's source file."""
    return PACKAGE.parent.joinpath(*module.split(".")).with_suffix(".py")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def usable(manifest: dict[str, Any]) -> bool:
    """Whether a build's record (``native.json``) fits this interpreter and these sources."""
    if manifest.get("suffix") != EXTENSION_SUFFIXES[0]:
        return False
    try:
        return all(
            digest(PACKAGE / relative) == sha for relative, sha in manifest["sources"].items()
        ) and all((PACKAGE / file).is_file() for file in manifest["modules"].values())
    except (OSError, KeyError, AttributeError, TypeError):
        return False


class _Compiled(MetaPathFinder):
    """Finds the compiled modules (and the library they share) by their full names."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        spec = ModuleSpec(fullname, ExtensionFileLoader(fullname, str(file)), origin=str(file))
        spec.has_location = True
        return spec


def install() -> bool:
    """Send the compiled modules' imports to their compiled files, when the build fits (see
    the module's note); whether it did."""
    if os.environ.get("PAXTA_PURE") or any(isinstance(f, _Compiled) for f in sys.meta_path):
        return False
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or not usable(manifest):
        return False
    files = {name: PACKAGE / file for name, file in manifest["modules"].items()}
    sys.meta_path.insert(0, _Compiled(files))
    return True


def is_compiled(module: ModuleType) -> bool:
    """Whether ``module`` runs as compiled code."""
    return not str(getattr(module, "__file__", "")).endswith(".py")


def _rebuilt(obj: Any) -> tuple[Any, tuple[Any, ...]]:
    return type(obj), tuple(getattr(obj, f.name) for f in fields(obj))


def picklable(*classes: type) -> None:
    """Pickle these frozen dataclasses as a call of the class with their fields: the compiled
    classes would otherwise be rebuilt by setting attributes, which a frozen class refuses
    (results cross from the workers to the main process pickled)."""
    for cls in classes:
        copyreg.pickle(cls, _rebuilt)
