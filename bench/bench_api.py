"""Benchmark: 50 concurrent /match clients for 60 s against ``paxta serve`` on loopback.

Goal (issue: web app and HTTP API): p95 <= 100 ms, no errors, memory flat. Each client sends
yente-shaped queries back to back (no think time: the hardest case) drawn from real list names
and Chinese, English and bill-of-lading variants. The server and the clients share the
machine's two cores. Server memory (PSS summed over its processes) is sampled each second.

    python bench/bench_api.py [--clients 50] [--seconds 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import _resident, machine

NAMES = [
    "新疆中泰化学股份有限公司", "XINJIANG ZHONGTAI CHEM IND CO LTD", "合盛硅业(泸州)有限公司",
    "Hoshine Silicon Industry (Shanshan) Co., Ltd", "阿克苏华孚色纺有限公司", "Esquel Group",
    "Guangdong Baiyi Textile Technology Co. Ltd", "新疆生产建设兵团", "Saigon Garment JSC",
    "HEFEI BITLAND INFORMATION TECH CO", "Huafu Fashion Co Ltd", "Dhaka Knit Garments Ltd",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def client(url: str, until: float, latencies: list[float], errors: list[str]) -> None:
    rng = random.Random()
    async with httpx.AsyncClient(timeout=30) as http:
        while time.perf_counter() < until:
            body = {
                "queries": {"q": {"schema": "Company", "properties": {"name": [rng.choice(NAMES)]}}}
            }
            start = time.perf_counter()
            try:
                reply = await http.post(url, json=body)
                if reply.status_code != 200:
                    errors.append(str(reply.status_code))
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            latencies.append(time.perf_counter() - start)


async def load(url: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds
    await asyncio.gather(*(client(url, until, latencies, errors) for _ in range(clients)))
    return latencies, errors


def main() -> None:
    import psutil

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="5 clients for 5 s (make bench-quick)")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.clients = 5.0, 5
    env = {**os.environ, "PAXTA_HOME": tempfile.mkdtemp(prefix="paxta-bench-api-")}
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "paxta",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}/match/default"
    try:
        for _ in range(120):  # wait for the lists and the index to load
            try:
                if httpx.post(url, json={"queries": {}}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        asyncio.run(load(url, 5, 3))  # warm every worker's caches
        memory: list[float] = []
        stop = False

        def sample() -> None:
            proc = psutil.Process(server.pid)
            while not stop:
                tree = [proc, *proc.children(recursive=True)]
                memory.append(sum(_resident(p) for p in tree) / 2**20)
                time.sleep(1)

        import threading

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        latencies, errors = asyncio.run(load(url, args.clients, args.seconds))
        stop = True
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    third = max(1, len(memory) // 3)
    print(f"machine: {machine()}")
    print(
        f"{args.clients} clients x {args.seconds:.0f} s, {args.workers} server workers: "
        f"{len(latencies):,} requests ({len(latencies) / args.seconds:,.0f}/s), "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {p95:.1f} ms, "
        f"errors {len(errors)}"
    )
    print(
        f"server memory (PSS): first third {statistics.mean(memory[:third]):,.0f} MB, "
        f"last third {statistics.mean(memory[-third:]):,.0f} MB, peak {max(memory):,.0f} MB"
    )


if __name__ == "__main__":
    main()
