"""Benchmark: every page of the web app, loaded in real Chromium, and a 100,000-row screening.

Goal (issue: the web app an analyst works in all day): a 100,000-row screening result's first
page in <= 500 ms and a filter change in <= 300 ms, measured in a real browser; every page's load
time recorded. The server is ``paxta serve`` as a user starts it (one worker, loopback, a home
holding the lists, the example cases and the screening); the screening is uploaded through the
API as the web app's own form does, with names as supplier files hold them (mostly on no list:
see ``bench_screen_scale.supplier_names``). Each page is loaded five times after one warm-up;
the figure is the median of the browser's navigation timing, from the request to the load event
(server, transfer, parsing, styles, scripts). No peer is named for pages: the figures stand
against the goals.

    python bench/bench_web.py [--rows 100000] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine
from bench_screen_scale import supplier_names

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOADS = 5
NAVIGATION = """() => { const n = performance.getEntriesByType('navigation')[0];
  return [n.responseEnd - n.startTime, n.loadEventEnd - n.startTime]; }"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="3,000 rows (make bench-quick).")
    args = parser.parse_args()
    rows = 3_000 if args.quick else args.rows

    from paxta.evidence.render import chromium

    browser_path = chromium()
    if browser_path is None:
        print("no chromium on this machine: the page figures need it (make browser)")
        return
    home = tempfile.mkdtemp(prefix="paxta-bench-web-")
    env = {**os.environ, "PAXTA_HOME": home}
    for case in sorted((ROOT / "examples" / "cases").iterdir()):
        subprocess.run([str(BIN / "paxta"), "case", "import", str(case)], env=env, check=True,
                       capture_output=True)  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN / "paxta"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    site = f"http://127.0.0.1:{port}"
    try:
        client = httpx.Client(base_url=site, timeout=600)
        _wait_for(client)
        client.post("/match/default", json={"queries": {"q": {"properties": {"name": ["x"]}}}})
        listed = _listed(env)
        names, kinds = supplier_names(rows, args.seed, listed)
        source = Path(home) / "suppliers.csv"
        with source.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["supplier name"])
            w.writerows([n] for n in names)
        t = time.perf_counter()
        with source.open("rb") as f:
            job = client.post("/screenings", files={"file": ("suppliers.csv", f, "text/csv")})
        job_id = job.json()["job"]
        while client.get(f"/screenings/{job_id}").json()["state"] not in ("done", "failed"):
            time.sleep(0.5)
        screened_s = time.perf_counter() - t
        state = client.get(f"/screenings/{job_id}").json()
        entity = client.post(
            "/match/default",
            json={"queries": {"q": {"properties": {"name": ["Xinjiang Zhongtai Chemical"]}}}},
        ).json()["responses"]["q"]["results"][0]["id"]
        shipment = client.get("/shipments").json()[0]
        print(f"{rows:,} rows: " + ", ".join(f"{v:,} {k}" for k, v in kinds.items()))
        print(f"screened through the API in {screened_s:.1f} s: {state['decisions']}")
        pages = {
            "home": "/",
            "screen a file": "/ui/screen",
            f"results, first page ({rows:,} rows)": f"/ui/jobs/{job_id}",
            "results, reviews only": f"/ui/jobs/{job_id}?decision=review",
            "results, by score, page 200": f"/ui/jobs/{job_id}?sort=score&page=200",
            "results, name contains": f"/ui/jobs/{job_id}?q=xinjiang",
            "entity search": "/ui/entities?q=zhongtai",
            "entity page": f"/ui/entities/{quote(entity)}",
            "shipments": "/ui/shipments",
            "shipment with its graph": f"/ui/shipments/{quote(shipment['shipment'])}"
            f"?case={quote(shipment['case'])}",
            "trade": "/ui/trade",
            "evidence": "/ui/evidence",
            "lists": "/ui/lists",
            "cases": "/ui/cases",
            "API docs": "/docs",
        }
        figures = _in_browser(browser_path, site, pages, f"/ui/jobs/{job_id}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{'page':44} {'response ms':>12} {'loaded ms':>10}   (median of {LOADS} loads)")
    for label, (response_ms, loaded_ms) in figures.items():
        print(f"{label:44} {response_ms:12.0f} {loaded_ms:10.0f}")
    first = figures[f"results, first page ({rows:,} rows)"][1]
    change = figures["filter change (select, Show)"][1]
    print(f"goals: first page {first:.0f} ms (<= 500), filter change {change:.0f} ms (<= 300)")
    print(f"machine: {machine()}")


def _wait_for(client: httpx.Client) -> None:
    for _ in range(600):
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("paxta serve did not start")


def _listed(env: dict[str, str]) -> list[str]:
    os.environ["PAXTA_HOME"] = env["PAXTA_HOME"]
    from paxta.store import open_store

    store = open_store(lock_wait=0)
    try:
        return [
            r[0]
            for r in store.sql(
                "SELECT DISTINCT name FROM entity_names WHERE version_id IN "
                "(SELECT max(version_id) FROM list_versions GROUP BY source) ORDER BY name"
            )
            if r[0].isascii() and " " in r[0]
        ]
    finally:
        store.close()


def _in_browser(
    browser_path: str, site: str, pages: dict[str, str], results: str
) -> dict[str, tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, tuple[float, float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page()
        for label, path in pages.items():
            page.goto(site + path)  # warm-up
            loads = []
            for _ in range(LOADS):
                page.goto(site + path, wait_until="load")
                loads.append(page.evaluate(NAVIGATION))
            figures[label] = _median(loads)
        loads = []
        for _ in range(LOADS):  # as the analyst does it: choose a filter, press Show
            page.goto(site + results, wait_until="load")
            page.locator("#f-decision").select_option("review")
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Show").click()
            loads.append(page.evaluate(NAVIGATION))
        figures["filter change (select, Show)"] = _median(loads)
        browser.close()
    return figures


def _median(loads: list[list[float]]) -> tuple[float, float]:
    return statistics.median(x[0] for x in loads), statistics.median(x[1] for x in loads)


if __name__ == "__main__":
    main()
