"""Capture a web page as evidence: the full HTTP exchange as WARC, its text, a hashed manifest.

Every hop of the redirect chain is checked before it is fetched: private, loopback, link-local
and reserved addresses are refused unless the caller allows them (an attacker's page must not
make paxta fetch the analyst's intranet). Bodies are streamed with a size limit and a time
limit. Files are written to a temporary folder under paxta's home and moved into place only
when complete, then recorded in the store with an entry in the custody log: an interrupted
capture leaves nothing half-written.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import shutil
import socket
import time
import uuid
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import orjson
from selectolax.lexbor import LexborHTMLParser
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from paxta import __version__
from paxta.config import inside_home, utc_now
from paxta.errors import PaxtaError
from paxta.evidence import custody
from paxta.evidence.render import chromium, render
from paxta.evidence.timestamp import (
    TOKEN_FILE,
    read_stamp,
    request_stamp,
    tsa_url,
    verify_signature,
)
from paxta.store import Backend

MAX_BYTES = 25 * 2**20
TIMEOUT = 30.0
MAX_REDIRECTS = 10
MAX_PDF_PAGES = 500
USER_AGENT = f"paxta/{__version__} (evidence capture; +https://github.com/paxta)"
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
}


@dataclass
class Hop:
    """One request and its response."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Capture:
    """What a capture stored."""

    evidence_id: str
    url: str
    final_url: str
    status: int
    folder: Path
    manifest: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "evidence_id": self.evidence_id,
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "folder": str(self.folder),
            "artefacts": self.manifest["artefacts"],
            "redirects": self.manifest["redirects"],
        }


def check_url(url: str, allow_private: bool = False) -> str:
    """Refuse anything but http(s) to a public address (unless ``allow_private``); the address
    the host resolved to, which is the one to connect to (resolving again when connecting would
    let a DNS-rebinding host answer 127.0.0.1 the second time)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PaxtaError(f"{url}: only http and https addresses can be captured.")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise PaxtaError(f"{url}: cannot resolve {parts.hostname} ({exc}).") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not allow_private:
        for address in addresses:
            if not address.is_global:
                raise PaxtaError(
                    f"{url}: {parts.hostname} is a private, loopback or link-local address "
                    f"({address}); give --allow-private to capture it."
                )
    if not addresses:
        raise PaxtaError(f"{url}: {parts.hostname} resolves to no address.")
    return str(addresses[0])


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """``url`` with its host replaced by the checked ``address``; the Host header and the TLS
    server name keep the host's name (so virtual hosts and certificates work as before)."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = host + (f":{parts.port}" if parts.port else "")
    target = parts._replace(netloc=netloc).geturl()
    named = parts.hostname or ""
    headers = {"Host": named + (f":{parts.port}" if parts.port else "")}
    extensions = {"sni_hostname": named} if parts.scheme == "https" else {}
    return target, headers, extensions


def fetch(
    url: str,
    allow_private: bool = False,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
) -> list[Hop]:
    """Every hop from ``url`` to the final response, each checked before it is requested and
    fetched from the address that was checked. ``timeout`` bounds each wait and the whole
    capture; ``max_bytes`` bounds each body as sent and as it unpacks."""
    hops: list[Hop] = []
    deadline = time.monotonic() + timeout
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False) as client:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            address = check_url(current, allow_private)
            target, host, extensions = _pinned(current, address)
            headers = {"User-Agent": USER_AGENT, "Accept": "*/*", **host}
            try:
                request = client.build_request(
                    "GET", target, headers=headers, extensions=extensions
                )
                response = client.send(request, stream=True)
                try:
                    body = _read(response, current, max_bytes, deadline, timeout)
                finally:
                    response.close()
                hop = Hop(
                    current,
                    response.status_code,
                    list(response.headers.multi_items()),
                    body,
                    list(response.request.headers.multi_items()),
                )
            except httpx.HTTPError as exc:
                raise PaxtaError(f"{current}: the request failed ({exc}).") from None
            hops.append(hop)
            location = _header(hop, "location")
            if hop.status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                continue
            return hops
    raise PaxtaError(f"{url}: more than {MAX_REDIRECTS} redirects.")


def _read(
    response: httpx.Response, url: str, max_bytes: int, deadline: float, timeout: float
) -> bytes:
    out = BytesIO()
    for chunk in response.iter_raw():
        out.write(chunk)
        if out.tell() > max_bytes:
            raise PaxtaError(f"{url}: the response is larger than {max_bytes:,} bytes.")
        if time.monotonic() > deadline:
            raise PaxtaError(
                f"{url}: the capture took longer than {timeout:g} seconds (--timeout); the "
                "server sends too slowly."
            )
    body = out.getvalue()
    _check_unpacked(body, response.headers.get("content-encoding", ""), url, max_bytes)
    return body


def _check_unpacked(body: bytes, encoding: str, url: str, max_bytes: int) -> None:
    """Refuse a compressed body that unpacks to more than ``max_bytes`` (a decompression bomb),
    unpacking it a piece at a time."""
    if encoding.strip().lower() not in ("gzip", "x-gzip", "deflate"):
        return
    unpacker = zlib.decompressobj(wbits=47)  # gzip or zlib, told by the header
    size = 0
    data = body
    try:
        while data:
            size += len(unpacker.decompress(data, 1 << 20))
            data = unpacker.unconsumed_tail
            if size > max_bytes:
                raise PaxtaError(
                    f"{url}: the response unpacks to more than {max_bytes:,} bytes "
                    f"({len(body):,} bytes as sent); not kept."
                )
    except zlib.error:
        return  # not what it says it is: kept as sent, read as it is


def capture(
    store: Backend,
    url: str,
    case: str | None = None,
    allow_private: bool = False,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    tsa: str | None = None,
    render_page: bool = True,
) -> Capture:
    """Fetch ``url`` and keep it as evidence (timestamped when an authority is configured)."""
    hops = fetch(url, allow_private, max_bytes, timeout)
    return keep(store, url, hops, case, timeout, tsa, render_page)


def keep(
    store: Backend,
    url: str,
    hops: list[Hop],
    case: str | None = None,
    timeout: float = TIMEOUT,
    tsa: str | None = None,
    render_page: bool = True,
) -> Capture:
    """Store fetched ``hops`` as evidence: written whole under paxta's home, or not at all."""
    evidence_id = utc_now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:8]
    final = hops[-1]
    root = inside_home("evidence")
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".{evidence_id}.partial"
    folder = root / evidence_id
    work.mkdir()
    try:
        artefacts = _write_artefacts(work, hops, render_page)
        manifest = {
            "evidence_id": evidence_id,
            "url": url,
            "final_url": final.url,
            "status": final.status,
            "redirects": [{"url": h.url, "status": h.status} for h in hops],
            "captured_at": utc_now().isoformat(timespec="seconds") + "Z",
            "tool": f"paxta {__version__}",
            "case": case,
            "artefacts": artefacts,
            "rendered": any(a["file"] == "screenshot.png" for a in artefacts)
            or ("no: chromium is not installed" if render_page and chromium() is None else False),
        }
        data = orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        (work / "manifest.json").write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        stamped: dict[str, Any] = {"token": False}
        authority = tsa_url(tsa)
        if authority:
            reply, stamp = request_stamp(authority, data, timeout)
            (work / TOKEN_FILE).write_bytes(reply)
            stamped = {"token": True, "timestamp": stamp.time, "tsa": stamp.authority}
        with store.transaction():
            store.sql(
                "INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [evidence_id, url, final.url, final.status, case, utc_now(), str(folder), digest],
            )
            custody.append(
                store,
                evidence_id,
                "capture",
                {
                    "url": url,
                    "final_url": final.url,
                    "status": final.status,
                    "manifest": digest,
                    **stamped,
                },
            )
            work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    head_token = None
    if authority:  # the log's new head, timestamped: a later cut of the log shows
        head_token, _ = request_stamp(authority, custody.head_body(store), timeout)
    custody.anchor(store, head_token)
    text = folder / "text.txt"
    if text.is_file():
        from paxta.evidence.search import SearchIndex

        index = SearchIndex()
        try:
            index.add(evidence_id, final.url, case, text.read_text(encoding="utf-8"))
        finally:
            index.close()
    return Capture(evidence_id, url, final.url, final.status, folder, manifest)


def _write_artefacts(work: Path, hops: list[Hop], render_page: bool) -> list[dict[str, Any]]:
    warc = work / "capture.warc.gz"
    with warc.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for hop in hops:
            _warc_pair(writer, hop)
    final = hops[-1]
    kind = _content_type(final)
    files = [warc]
    body = work / (
        "page.html" if "html" in kind else "document.pdf" if "pdf" in kind else "body.bin"
    )
    body.write_bytes(_decoded(final))
    files.append(body)
    if "html" in kind or "pdf" in kind:
        text = work / "text.txt"
        words = html_text(final.body, _charset(final)) if "html" in kind else pdf_text(body)
        text.write_text(words, encoding="utf-8")
        files.append(text)
    if render_page and "html" in kind:
        files += render(body, work)
    return [
        {
            "file": p.name,
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            "bytes": p.stat().st_size,
        }
        for p in files
    ]


def _warc_pair(writer: WARCWriter, hop: Hop) -> None:
    parts = urlsplit(hop.url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    request = writer.create_warc_record(
        hop.url,
        "request",
        http_headers=StatusAndHeaders(
            f"GET {path} HTTP/1.1", hop.request_headers, is_http_request=True
        ),
    )
    response = writer.create_warc_record(
        hop.url,
        "response",
        payload=BytesIO(hop.body),
        http_headers=StatusAndHeaders(
            f"{hop.status} {_reason(hop.status)}", hop.headers, protocol="HTTP/1.1"
        ),
    )
    writer.write_request_response_pair(request, response)


def _reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _header(hop: Hop, name: str) -> str:
    """A response header's value ('' when absent), the name compared without case."""
    return next((v for k, v in hop.headers if k.lower() == name), "")


def _content_type(hop: Hop) -> str:
    return _header(hop, "content-type").lower()


def _decoded(hop: Hop) -> bytes:
    """The body without its transfer compression (the WARC keeps it as sent)."""
    encoding = _header(hop, "content-encoding").lower()
    if encoding == "gzip":
        try:
            return gzip.decompress(hop.body)
        except OSError:
            return hop.body
    return hop.body


def _charset(hop: Hop) -> str | None:
    for part in _content_type(hop).split(";"):
        key, _, value = part.strip().partition("=")
        if key == "charset" and value:
            return value.strip("\"' ")
    return None


def page_text(hop: Hop) -> str:
    """The text of a fetched page or PDF ('' for anything else)."""
    kind = _content_type(hop)
    if "html" in kind:
        return html_text(hop.body, _charset(hop))
    if "pdf" in kind:
        return pdf_text(BytesIO(_decoded(hop)))
    return ""


def pdf_text(source: Path | BytesIO, max_pages: int = MAX_PDF_PAGES) -> str:
    """The text of a PDF, Chinese included; '' when the file cannot be read as a PDF.

    Nothing in the PDF is run: pypdf only parses it. A damaged or hostile file gives no text
    (the file itself is still kept as evidence).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(source)
        pages = [page.extract_text() or "" for page in reader.pages[:max_pages]]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return ""
    return "\n".join(p.strip() for p in pages if p.strip())


def html_text(body: bytes, charset: str | None = None) -> str:
    """The visible text of an HTML page; GB2312 and GBK labels are read as GB18030."""
    encoding = _CHARSET_ALIASES.get((charset or "").lower(), charset)
    if not encoding:
        head = body[:2048].decode("ascii", "ignore").lower()
        for label in ("gb2312", "gbk", "gb18030", "big5", "utf-8"):
            if (
                f"charset={label}" in head.replace('"', "").replace("'", "")
                or f'charset="{label}"' in head
            ):
                encoding = _CHARSET_ALIASES.get(label, label)
                break
    try:
        text = body.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace")
    tree = LexborHTMLParser(text)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    root = tree.body or tree.root
    raw = root.text(separator="\n") if root is not None else ""
    return "\n".join(line.strip() for line in raw.splitlines() if line.strip())


def verify(
    store: Backend, evidence_id: str, heads: list[tuple[int, str]] | None = None
) -> list[str]:
    """Re-hash a capture's artefacts and its manifest, compare them with what the custody log
    recorded at capture, and check the log (its chain, its anchors and the ``heads`` given)."""
    rows = store.sql(
        "SELECT folder, manifest_sha256 FROM evidence WHERE evidence_id = ?", [evidence_id]
    )
    if not rows:
        raise PaxtaError(f"no evidence {evidence_id!r} (see paxta evidence list).")
    folder, digest = Path(rows[0][0]), rows[0][1]
    problems = []
    captured = [e for e in custody.entries(store, evidence_id) if e.action == "capture"]
    logged = orjson.loads(captured[0].details) if captured else {}
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return [f"{manifest_path}: the manifest is missing", *custody.verify_chain(store, heads)]
    data = manifest_path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        problems.append(f"{manifest_path}: the manifest was changed since capture")
    if logged.get("manifest") and logged["manifest"] != digest:
        problems.append(
            f"{manifest_path}: the custody log recorded another manifest at capture "
            f"({logged['manifest'][:16]}…): the capture was rewritten"
        )
    manifest = orjson.loads(data)
    for artefact in manifest.get("artefacts", []):
        path = folder / artefact["file"]
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != artefact["sha256"]:
            problems.append(f"{path}: changed (SHA-256 differs from the manifest)")
    token = folder / TOKEN_FILE
    if (logged.get("token") or "timestamp" in logged) and not token.is_file():
        problems.append(
            f"{token}: the custody log says a timestamp was obtained at capture, but the token "
            "is gone"
        )
    if token.is_file():
        try:
            read_stamp(token.read_bytes(), data)
        except PaxtaError as exc:
            problems.append(f"{token}: {exc}")
        signature = verify_signature(token, manifest_path, None)
        if signature:
            problems.append(signature)
    problems += custody.verify_chain(store, heads)
    if not captured:
        problems.append(f"custody log: no capture entry for {evidence_id}")
    custody.append(store, evidence_id, "verify", {"problems": len(problems)})
    return problems
