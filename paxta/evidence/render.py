"""The page as a browser shows it: a screenshot and a PDF from headless Chromium, where installed.

Chromium renders a copy of paxta's saved page with its scripts, frames, plug-ins and event
handlers removed, never the live site, and with every host name unresolvable: rendering runs
nothing from the page and fetches nothing.
Without Chromium (``chromium`` or ``chromium-browser`` on the PATH) captures simply have no
rendering, and the manifest says so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

RENDER_TIMEOUT = 90


def chromium() -> str | None:
    """The Chromium executable, if there is one."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render(page: Path, folder: Path) -> list[Path]:
    """``screenshot.png`` and ``rendered.pdf`` of the saved ``page`` (none without Chromium)."""
    browser = chromium()
    if browser is None:
        return []
    common = [
        browser,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={folder / '.chromium'}",
        "--window-size=1280,1800",
    ]
    copy = folder / ".render.html"
    copy.write_text(_inert(page.read_bytes()), encoding="utf-8")
    made = []
    for flag, name in (("--screenshot", "screenshot.png"), ("--print-to-pdf", "rendered.pdf")):
        target = folder / name
        try:
            subprocess.run(
                [*common, f"{flag}={target}", copy.resolve().as_uri()],
                capture_output=True,
                timeout=RENDER_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            continue
        if target.is_file() and target.stat().st_size:
            made.append(target)
    shutil.rmtree(folder / ".chromium", ignore_errors=True)
    copy.unlink(missing_ok=True)
    return made


def _inert(body: bytes) -> str:
    """The page without anything that runs: scripts, frames, plug-ins, on* handlers."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(body.decode("utf-8", "replace"))
    for node in tree.css("script, iframe, frame, object, embed, applet, meta[http-equiv]"):
        node.decompose()
    for node in tree.css("*"):
        for name in [a for a in node.attributes if a.lower().startswith("on")]:
            del node.attrs[name]
        for name in ("href", "src", "action", "formaction"):
            value = (node.attributes.get(name) or "").strip().lower()
            if value.startswith("javascript:"):
                del node.attrs[name]
    return str(tree.html or "")
