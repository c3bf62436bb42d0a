"""Benchmark: evidence capture from a loopback server, and search over 100,000 documents.

Goals (issue: evidence): >= 20 pages/s captured from a loopback server (no browser rendering);
search p95 <= 50 ms over 100,000 generated Chinese and English documents; indexing >= 1 MB/s.
No peer tool is named for these goals; wget's WARC output (``wget --warc-file``) is timed on the
same pages when wget is installed.

    python bench/bench_evidence.py [--pages 300] [--docs 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine

PHRASES_ZH = [
    "全年共转移农村富余劳动力{n}万人次", "组织拾花工{n}千人赴北疆", "职业技能教育培训中心",
    "棉花加工企业{n}家", "纺织服装产业园新增就业{n}人", "少数民族群众转移就业",
    "对口援疆省市企业落户", "多晶硅项目年产{n}万吨", "番茄酱出口{n}吨", "劳动力转移就业工作",
]  # fmt: skip
PHRASES_EN = [
    "the company reported {n} thousand workers transferred",
    "cotton ginning capacity of {n} tonnes",
    "polysilicon output rose by {n} percent", "the vendor removed the attribute",
    "supply chain audit of {n} suppliers", "labour transfer programme in the region",
]  # fmt: skip


def document(rng: random.Random) -> str:
    """A generated document of a few hundred characters, Chinese or English."""
    pool = PHRASES_ZH if rng.random() < 0.6 else PHRASES_EN
    sep = "。" if pool is PHRASES_ZH else ". "
    return sep.join(
        rng.choice(pool).format(n=rng.randint(1, 99)) for _ in range(rng.randint(8, 30))
    )


class Handler(BaseHTTPRequestHandler):
    paragraph = "<p>全年共转移农村富余劳动力3.5万人次。</p>"
    body = f"<html><head><meta charset='utf-8'></head><body>{paragraph * 40}</body></html>".encode()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def bench_capture(pages: int) -> None:
    from paxta.evidence.capture import capture
    from paxta.store import open_store

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    store = open_store()
    capture(store, f"{base}/warmup", allow_private=True, render_page=False)
    t = time.perf_counter()
    for i in range(pages):
        capture(store, f"{base}/page/{i}", allow_private=True, render_page=False)
    rate = pages / (time.perf_counter() - t)
    store.close()
    print(
        f"capture: {rate:.1f} pages/s over {pages} pages ({len(Handler.body):,} bytes each; "
        "WARC + text + manifest + custody entry + search index)"
    )
    wget = shutil.which("wget")
    if wget:
        work = Path(tempfile.mkdtemp())
        t = time.perf_counter()
        for i in range(pages):
            subprocess.run([wget, "-q", f"--warc-file={work}/w{i}", "-O", os.devnull,
                            f"{base}/page/{i}"], check=False)  # fmt: skip
        print(
            f"wget --warc-file on the same pages: {pages / (time.perf_counter() - t):.1f} pages/s"
        )
    else:
        print("wget is not installed: no peer figure")
    httpd.shutdown()


def bench_search(docs: int) -> None:
    from paxta.evidence.search import SearchIndex

    rng = random.Random(2026)
    texts = [document(rng) for _ in range(docs)]
    size = sum(len(t.encode()) for t in texts)
    index = SearchIndex(Path(tempfile.mkdtemp()) / "search.sqlite")
    t = time.perf_counter()
    index.add_many((f"D{i}", f"http://example.org/{i}", None, text) for i, text in enumerate(texts))
    seconds = time.perf_counter() - t
    print(
        f"indexing: {size / seconds / 1e6:.2f} MB/s ({size / 1e6:.1f} MB, {docs:,} documents, "
        f"{seconds:.0f} s)"
    )
    queries = ["拾花工", "劳动力转移就业", "职业技能教育培训", "多晶硅", "少数民族", "番茄酱出口",
               "polysilicon", "vendor removed", "labour transfer", "北疆", "纺织服装产业园",
               "supply chain audit"]  # fmt: skip
    times = []
    for _ in range(20):
        for q in queries:
            s = time.perf_counter()
            index.search(q, limit=20)
            times.append(time.perf_counter() - s)
    times.sort()
    print(
        f"search: p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms over {len(times)} queries"
    )
    index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument(
        "--quick", action="store_true", help="20 pages, 2,000 documents (make bench-quick)"
    )
    args = parser.parse_args()
    if args.quick:
        args.pages, args.docs = 20, 2_000
    os.environ["PAXTA_HOME"] = tempfile.mkdtemp(prefix="paxta-bench-evidence-")
    print(f"machine: {machine()}")
    bench_capture(args.pages)
    bench_search(args.docs)


if __name__ == "__main__":
    main()
