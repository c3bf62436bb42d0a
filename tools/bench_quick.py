"""Every benchmark in bench/ at its --quick size, two at a time (this machine's cores), each one's
output printed whole when it ends; exit 1 when any failed. ``make bench-quick`` runs it, and
``make test`` runs that, so no benchmark can rot unnoticed."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def run(script: Path) -> tuple[Path, int, str]:
    done = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, check=False
    )
    return script, done.returncode, done.stdout + done.stderr


def main() -> int:
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    failed = []
    with ThreadPoolExecutor(jobs) as pool:
        for script, code, output in pool.map(run, sorted(BENCH.glob("bench_*.py"))):
            print(
                f"== {script.relative_to(BENCH.parent)} --quick (exit {code})\n{output}", flush=True
            )
            if code:
                failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
