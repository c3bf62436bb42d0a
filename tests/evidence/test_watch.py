"""Watching pages on a real HTTP server on 127.0.0.1: removals, gone, blocked, unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.evidence.watch import sentences
from tests.conftest import local_server

DOCS_V1 = (
    "<html><body><h1>人脸属性分析</h1><p>支持返回性别、年龄。</p>"
    "<p>民族属性：汉族、少数民族（维吾尔族）。</p><p>更新于2019年。</p></body></html>"
)
DOCS_V2 = DOCS_V1.replace("<p>民族属性：汉族、少数民族（维吾尔族）。</p>", "")
PAGES: dict[str, tuple[int, str, dict[str, str]]] = {}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body, headers = PAGES.get(self.path, (404, "<html>404</html>", {}))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    PAGES.clear()
    with local_server(Handler) as url:
        yield url


def _run(runner: CliRunner) -> dict[str, dict[str, object]]:
    result = runner.invoke(cli, ["watch", "run", "--all", "--json"])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.output.splitlines()]
    return {str(e["url"]).rsplit("/", 1)[-1]: e for e in events}


def _watch(runner: CliRunner, url: str) -> None:
    result = runner.invoke(
        cli, ["watch", "add", url, "--terms", "维吾尔,少数民族", "--allow-private", "--every", "1d"]
    )
    assert result.exit_code == 0, result.output


def test_each_kind_of_event(runner: CliRunner, site: str) -> None:
    for name in ("docs", "report", "blocked", "moved", "same"):
        PAGES[f"/{name}"] = (200, DOCS_V1, {})
    for name in ("docs", "report", "blocked", "moved", "same"):
        _watch(runner, f"{site}/{name}")
    PAGES["/docs"] = (200, DOCS_V2, {})  # the vendor edited the attribute out
    PAGES["/report"] = (
        200,
        "<html><body><p>对不起，您访问的页面不存在或该信息已删除。</p></body></html>",
        {},
    )
    PAGES["/blocked"] = (403, "<html><body>Access denied</body></html>", {})
    PAGES["/moved"] = (302, "", {"Location": "/"})
    PAGES["/"] = (200, "<html><body>首页</body></html>", {})
    events = _run(runner)
    docs = events["docs"]
    assert docs["event"] == "term_removed"
    assert docs["terms"] == {"维吾尔": [1, 0], "少数民族": [1, 0]}
    assert docs["removed"] == ["民族属性：汉族、少数民族（维吾尔族）。"]
    assert docs["evidence_before"] and docs["evidence_after"]
    assert events["report"]["event"] == "gone"
    assert events["blocked"]["event"] == "blocked"  # never a removal
    assert events["moved"]["event"] == "gone" and "home page" in str(events["moved"]["note"])
    assert events["same"]["event"] == "unchanged" and events["same"]["evidence_after"] is None


def test_changed_without_removal_and_baseline_moves_on(runner: CliRunner, site: str) -> None:
    PAGES["/docs"] = (200, DOCS_V1, {})
    _watch(runner, f"{site}/docs")
    PAGES["/docs"] = (200, DOCS_V1.replace("2019", "2020"), {})
    assert _run(runner)["docs"]["event"] == "changed"
    assert _run(runner)["docs"]["event"] == "unchanged"  # compared with the new baseline
    PAGES["/docs"] = (200, DOCS_V2, {})
    assert _run(runner)["docs"]["event"] == "term_removed"


def test_only_due_watches_run_and_bad_input(runner: CliRunner, site: str) -> None:
    PAGES["/docs"] = (200, DOCS_V1, {})
    _watch(runner, f"{site}/docs")
    due = runner.invoke(cli, ["watch", "run", "--json"])
    assert due.exit_code == 0 and due.output == ""  # checked a moment ago; due in a day
    bad = runner.invoke(cli, ["watch", "add", f"{site}/docs", "--terms", "x", "--every", "soon"])
    assert bad.exit_code == 1 and "--every" in bad.output
    private = runner.invoke(cli, ["watch", "add", f"{site}/docs", "--terms", "x"])
    assert private.exit_code == 1 and "--allow-private" in private.output


def test_sentences_split_chinese_and_latin() -> None:
    assert sentences("第一句。第二句！Third one. Fourth?") == [
        "第一句。",
        "第二句！",
        "Third one.",
        "Fourth?",
    ]
