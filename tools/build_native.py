"""Compile the name, screening and locating modules with mypyc (part of mypy, a dev dependency),
when a C compiler is there; paxta uses the build only while it matches the source.

    python tools/build_native.py

The modules are ``paxta.native.COMPILED``, compiled together in a copy of the package. Each
lands next to its source as ``<module>.native.so`` (with the library they share), and
``paxta/native.json`` records the interpreter and the SHA-256 of every paxta source they were
compiled from or against (the modules and what they import from paxta, transitively). When that
record still fits, nothing is built again. Any failure is one sentence and exit 0: paxta then
runs as Python, as it does without ``make``.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["PAXTA_PURE"] = "1"  # (this tool reads the sources; it never runs the build)
from paxta.native import COMPILED, MANIFEST, PACKAGE, SUFFIX, digest, source_of, usable  # noqa: E402

LEGACY = ("places/_locator_native*.so",)  # (the locator's compiled twin, before this build)


def sources(modules: tuple[str, ...]) -> list[Path]:
    """The modules' files and every paxta module they import, transitively."""
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        path = source_of(module)
        if module in seen or not path.is_file():
            continue
        seen.add(module)
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                todo.append(node.module)
                todo.extend(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                todo.extend(alias.name for alias in node.names)
    return sorted(source_of(m) for m in seen if m.split(".")[0] == "paxta")


def clear() -> None:
    MANIFEST.unlink(missing_ok=True)
    for pattern in (f"**/*{SUFFIX}", *LEGACY):
        for old in PACKAGE.glob(pattern):
            old.unlink()


def build(files: list[Path]) -> str:
    """Compile; the error's last line when it failed, else ""."""
    with tempfile.TemporaryDirectory(prefix="paxta-native-") as work:
        # (in a copy of the package's Python: mypyc's setup must not read our pyproject)
        skip = shutil.ignore_patterns("data", "static", "*.so", "__pycache__")
        shutil.copytree(PACKAGE, Path(work) / "paxta", ignore=skip)
        (Path(work) / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\n")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypyc",
                *(str(source_of(m).relative_to(ROOT)) for m in COMPILED),
            ],
            cwd=work,
            env={**os.environ, "TMPDIR": work},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return ((done.stderr or done.stdout).strip().splitlines() or ["no output"])[-1]
        built = {}
        for module in COMPILED:
            so = Path(work).joinpath(*module.split(".")).with_suffix(EXTENSION_SUFFIXES[0])
            built[module] = so
        for so in Path(work).glob(f"*__mypyc{EXTENSION_SUFFIXES[0]}"):
            built[so.name.removesuffix(EXTENSION_SUFFIXES[0])] = so
        if not all(so.is_file() for so in built.values()):
            return "a compiled module is missing"
        modules = {}
        for module, so in built.items():
            target = (
                source_of(module).with_suffix(SUFFIX)
                if module.startswith("paxta.")
                else PACKAGE / f"{module}{SUFFIX}"
            )
            shutil.copy2(so, target)
            modules[module] = str(target.relative_to(PACKAGE))
    manifest = {
        "suffix": EXTENSION_SUFFIXES[0],
        "modules": modules,
        "sources": {str(p.relative_to(PACKAGE)): digest(p) for p in files},
    }
    partial = MANIFEST.with_suffix(".json.partial")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(MANIFEST)
    return ""


def main() -> int:
    files = sources(COMPILED)
    try:
        held = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        held = None
    wanted = {str(p.relative_to(PACKAGE)) for p in files}
    if (
        isinstance(held, dict)
        and usable(held)
        and set(held.get("sources", ())) == wanted
        and set(COMPILED) <= set(held.get("modules", ()))
    ):
        print("compiled modules: up to date")
        return 0
    clear()
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        print("compiled modules: no C compiler here; paxta runs as Python", file=sys.stderr)
        return 0
    print(f"compiling {len(COMPILED)} modules with mypyc (about a minute) ...", flush=True)
    failed = build(files)
    if failed:
        clear()
        print(f"compiled modules: mypyc failed ({failed}); paxta runs as Python", file=sys.stderr)
        return 0
    print(f"compiled modules built: {len(COMPILED)}, checked against {len(files)} sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
