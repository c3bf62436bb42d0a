"""Files and kills that used to end in a traceback or in silently wrong state (issue: trust
under attack): each now gets one sentence, a non-zero exit, and keeps what was finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.store import open_store


@pytest.fixture
def cut_xlsx(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "address"])
    for i in range(2000):
        sheet.append([f"Company {i} Trading Co Ltd", "Urumqi, Xinjiang"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(cut, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # the sheet's XML cut in the middle
            out.writestr(item, data)
    return cut


@pytest.mark.parametrize(
    "command",
    [
        ["screen", "{f}", "-o", "{out}"],
        ["locate", "{f}", "--column", "address"],
        ["lists", "import", "{f}", "--source", "mine"],
    ],
)
def test_a_cut_workbook_is_one_sentence(
    runner: CliRunner, cut_xlsx: Path, tmp_path: Path, command: list[str]
) -> None:
    args = [a.format(f=cut_xlsx, out=tmp_path / "out.csv") for a in command]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "cut.xlsx" in result.output and "damaged" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_binary_and_cr_only_files_given_to_lists_import(runner: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "list.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    result = runner.invoke(cli, ["lists", "import", str(binary), "--source", "mine"])
    assert result.exit_code == 1 and "binary file, not CSV text" in result.output
    old_mac = tmp_path / "old-mac.csv"
    old_mac.write_bytes(b"name,country\rAcme Cotton Co,China\rFoo Garments Ltd,China\r")
    result = runner.invoke(cli, ["lists", "import", str(old_mac), "--source", "mine", "--json"])
    assert result.exit_code == 0, result.output
    assert '"entities": 2' in result.output


def _run(script: str, home: Path) -> subprocess.Popen[bytes]:
    """Run ``script`` as a file (spawned workers import its functions from it)."""
    env = {**os.environ, "PAXTA_HOME": str(home)}
    path = home.parent / f"script-{time.monotonic_ns()}.py"
    path.write_text(textwrap.dedent(script), encoding="utf-8")
    return subprocess.Popen([sys.executable, str(path)], env=env)


def test_a_killed_screening_says_how_far_it_got(home: Path, tmp_path: Path) -> None:
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "name\n" + "".join(f"Supplier {i} Textile Co\n" for i in range(40)), encoding="utf-8"
    )
    killed = _run(
        f"""
        import os, signal
        from pathlib import Path
        import paxta.screen.batch as batch
        from paxta.screen.matcher import Matcher
        from paxta.lists.shipped import ensure_lists
        from paxta.store import open_store

        batch.SAVE_EVERY = 5
        seen = []
        real = batch._saved_row
        def kill_at_row_23(*args):
            seen.append(1)
            if len(seen) == 23:
                os.kill(os.getpid(), signal.SIGKILL)  # no handler runs: as kill -9 does
            return real(*args)
        batch._saved_row = kill_at_row_23
        store = open_store()
        ensure_lists(store)
        batch.screen_file(store, Matcher.from_store(store), Path({str(suppliers)!r}),
                          Path({str(tmp_path / "out.csv")!r}))
        """,
        home,
    )
    assert killed.wait(timeout=300) == -signal.SIGKILL
    store = open_store()
    try:
        row_count, finished = store.sql("SELECT row_count, finished FROM screenings")[0]
        saved = store.scalar("SELECT count(*) FROM screening_rows")
    finally:
        store.close()
    assert (row_count, finished, saved) == (20, False, 20)


def test_pool_workers_end_with_a_killed_parent(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    parent = _run(
        f"""
        import os, time
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context
        from paxta.workers import die_with_parent

        def pid(_):
            time.sleep(0.2)
            return os.getpid()

        if __name__ == "__main__":
            with ProcessPoolExecutor(2, mp_context=get_context("spawn"),
                                     initializer=die_with_parent) as pool:
                found = set(pool.map(pid, range(8)))
                open({str(pids)!r}, "w").write(" ".join(map(str, found)))
                time.sleep(600)
        """,
        tmp_path,
    )
    deadline = time.monotonic() + 120
    while not (pids.exists() and pids.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(p) for p in pids.read_text().split()]
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _alive(p)]
        time.sleep(0.1)
    assert alive == []


def test_a_worker_forked_from_a_server_ends_when_told(tmp_path: Path) -> None:
    """A server's handler for SIGTERM (uvicorn's only sets a flag) is inherited by the workers
    it forks for an upload: a pool's terminate must still end them, or the job waits for ever
    on a worker blocked for work it will never get."""
    script = tmp_path / "server.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, signal, sys, time
            from multiprocessing import get_context
            from paxta.workers import die_with_parent

            def work():
                die_with_parent()
                time.sleep(600)

            signal.signal(signal.SIGTERM, lambda *_: None)  # as a server's: only a flag
            worker = get_context("fork").Process(target=work)
            worker.start()
            time.sleep(1)
            worker.terminate()
            worker.join(10)
            print(worker.exitcode)
            if worker.exitcode is None:
                worker.kill()  # (the test has failed: not left for ten minutes)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == str(-signal.SIGTERM), done.stdout + done.stderr


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"  # a zombie has ended (its parent is gone)
    except FileNotFoundError:
        return False
