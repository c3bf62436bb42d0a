"""Build the locator's compiled twin with mypyc (part of mypy, a dev dependency), when a C
compiler is there; paxta uses it only while it was built from the locator's current source.

    python tools/build_native.py

The source is ``paxta/places/locator.py``, compiled as ``paxta.places._locator_native`` with the
source's SHA-256 in it; ``locator.py`` compares that with its own on import and uses the twin
only when they agree (so an edited locator is never shadowed by an old build). Any failure is
one sentence and exit 0: paxta then runs the locator as Python, as it does without ``make``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "paxta" / "places" / "locator.py"
TWIN = "_locator_native"


def main() -> int:
    places = SOURCE.parent
    for old in places.glob(f"{TWIN}*.so"):
        old.unlink()
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        print("native locator: no C compiler here; the locator runs as Python", file=sys.stderr)
        return 0
    source = SOURCE.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    with tempfile.TemporaryDirectory(prefix="paxta-native-") as work:
        # (built in a copy of the package's Python: mypyc's setup must not read our pyproject)
        copy = Path(work) / "paxta"
        skip = shutil.ignore_patterns("data", "static", "*.so")
        shutil.copytree(ROOT / "paxta", copy, ignore=skip)
        generated = copy / "places" / f"{TWIN}.py"
        generated.write_bytes(source + f'\nSOURCE_SHA256 = "{digest}"\n'.encode())
        done = subprocess.run(
            [sys.executable, "-m", "mypyc", str(generated.relative_to(work))],
            cwd=work,
            env={**os.environ, "TMPDIR": work},
            capture_output=True,
            text=True,
        )
        for so in generated.parent.glob(f"{TWIN}*.so"):
            shutil.copy2(so, places / so.name)
    built = sorted(p.name for p in places.glob(f"{TWIN}*.so"))
    if done.returncode != 0 or not built:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        said = f"native locator: mypyc failed ({last[0]}); the locator runs as Python"
        print(said, file=sys.stderr)
        for partial in places.glob(f"{TWIN}*.so"):
            partial.unlink()
        return 0
    print(f"native locator built: {', '.join(built)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
