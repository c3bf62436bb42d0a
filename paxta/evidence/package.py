"""WACZ packaging and export: a capture in the form web archives and other parties read.

The WACZ (Web Archive Collection Zipped, 1.1.1) holds the WARC, a CDXJ index, the pages list and
a ``datapackage.json`` with the SHA-256 of every file. ``export`` writes, beside it, the
manifest, every artefact, the custody entries of the capture and a ``SHA256SUMS`` file, so
``sha256sum -c SHA256SUMS`` checks the package with no paxta installed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import shutil
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from warcio.archiveiterator import ArchiveIterator

from paxta import __version__
from paxta.config import utc_now
from paxta.errors import PaxtaError
from paxta.evidence import custody
from paxta.store import Backend

WACZ_VERSION = "1.1.1"


def surt(url: str) -> str:
    """The SURT form of a URL as CDXJ indexes sort it (com,example)/path?q)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        ipaddress.ip_address(host)
        key = host
    except ValueError:
        labels = host.split(".")
        if labels and labels[0] == "www":
            labels = labels[1:]
        key = ",".join(reversed(labels))
    if parts.port:
        key += f":{parts.port}"
    path = parts.path or "/"
    return f"{key}){path.lower()}" + (f"?{parts.query}" if parts.query else "")


def _cdxj(warc: Path) -> list[str]:
    lines = []
    with warc.open("rb") as f:
        records = ArchiveIterator(f)
        for record in records:
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date") or ""
            stamp = "".join(ch for ch in date if ch.isdigit())[:14]
            http = record.http_headers
            info = {
                "url": url,
                "mime": (http.get_header("Content-Type") or "").split(";")[0] if http else "",
                "status": http.get_statuscode() if http else "",
                "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                "offset": records.get_record_offset(),
                "length": records.get_record_length(),
                "filename": "data.warc.gz",
            }
            record.content_stream().read()
            lines.append(f"{surt(url)} {stamp} {orjson.dumps(info).decode()}")
    return sorted(lines)


def write_wacz(folder: Path, manifest: dict[str, Any], target: Path) -> Path:
    """Package the capture in ``folder`` as a WACZ file at ``target``."""
    warc = folder / "capture.warc.gz"
    pages = [
        {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"},
        {
            "id": manifest["evidence_id"],
            "url": manifest["final_url"],
            "ts": manifest["captured_at"],
            "title": manifest["url"],
        },
    ]
    files: dict[str, bytes] = {
        "archive/data.warc.gz": warc.read_bytes(),
        "indexes/index.cdx": ("\n".join(_cdxj(warc)) + "\n").encode(),
        "pages/pages.jsonl": b"\n".join(orjson.dumps(p) for p in pages) + b"\n",
    }
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": f"paxta evidence {manifest['evidence_id']}",
        "created": utc_now().isoformat(timespec="seconds") + "Z",
        "software": f"paxta {__version__}",
        "mainPageUrl": manifest["final_url"],
        "resources": [
            {
                "name": Path(name).name,
                "path": name,
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            for name, data in files.items()
        ],
    }
    files["datapackage.json"] = orjson.dumps(package, option=orjson.OPT_INDENT_2)
    digest = {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest(),
    }
    files["datapackage-digest.json"] = orjson.dumps(digest, option=orjson.OPT_INDENT_2)
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w") as z:
        for name, data in files.items():
            # The WARC is already compressed; WACZ stores it as is.
            kind = zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED
            z.writestr(name, data, compress_type=kind)
    partial.replace(target)
    return target


def export(store: Backend, evidence_id: str, out: Path) -> Path:
    """A package another party can check without paxta: WACZ, artefacts, custody, SHA256SUMS."""
    rows = store.sql("SELECT folder FROM evidence WHERE evidence_id = ?", [evidence_id])
    if not rows:
        raise PaxtaError(f"no evidence {evidence_id!r} (see paxta evidence list).")
    folder = Path(rows[0][0])
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    target = out / evidence_id
    if target.exists():
        raise PaxtaError(f"{target} exists: export into an empty place.")
    partial = out / f".{evidence_id}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        for item in folder.iterdir():
            if item.is_file():
                shutil.copy2(item, partial / item.name)
        write_wacz(folder, manifest, partial / f"{evidence_id}.wacz")
        log = [
            {
                "seq": e.seq,
                "evidence_id": e.evidence_id,
                "action": e.action,
                "actor": e.actor,
                "at": e.at.isoformat(),
                "tool_version": e.tool_version,
                "details": e.details,
                "prev_hash": e.prev_hash,
                "entry_hash": e.entry_hash,
            }
            for e in custody.entries(store, evidence_id)
        ]
        (partial / "custody.jsonl").write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in log))
        seq, digest = custody.head(store)
        (partial / "custody-head.txt").write_text(f"{seq}:{digest}\n", encoding="utf-8")
        (partial / "README.txt").write_text(_README.format(id=evidence_id), encoding="utf-8")
        sums = [
            f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
            for p in sorted(partial.iterdir())
            if p.is_file()
        ]
        (partial / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    custody.append(store, evidence_id, "export", {"to": str(target)})
    return target


_README = """Evidence {id}, exported by paxta.

Check the files:          sha256sum -c SHA256SUMS
The capture's artefacts and their SHA-256 are listed in manifest.json.
{id}.wacz is the web archive (open it in ReplayWeb.page or any WACZ reader); its
datapackage.json lists the SHA-256 of every file inside it.
timestamp.tsr, when present, is the RFC 3161 reply of the timestamp authority over
manifest.json:  openssl ts -verify -in timestamp.tsr -data manifest.json -CAfile TSA-CA.pem
custody.jsonl holds the custody entries of this capture: each entry_hash is the SHA-256 of the
JSON array [prev_hash, seq, evidence_id, action, actor, at, tool_version, details], so each entry
is bound to the one before it in paxta's log.
custody-head.txt is the head of paxta's whole custody log when this package was made
(SEQ:HASH): `paxta evidence verify ID --head SEQ:HASH` later shows whether the log was cut or
rewritten since.
"""
