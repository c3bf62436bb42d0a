"""RFC 3161 trusted timestamps over a capture's manifest.

paxta asks the configured timestamp authority (``PAXTA_TSA_URL``, or ``--tsa``) to sign the
SHA-256 of ``manifest.json`` and keeps its whole reply as ``timestamp.tsr``. Checking a reply:
the status is granted, the imprint is the manifest's hash and the nonce is ours; when the
authority's CA certificate is configured (``PAXTA_TSA_CA``), ``openssl ts -verify`` also checks
the signature and the certificate chain, exactly as another party would without paxta.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx
from asn1crypto import tsp

from paxta.errors import PaxtaError

TOKEN_FILE = "timestamp.tsr"


@dataclass(frozen=True)
class Stamp:
    """A granted timestamp: when, by whom, over which hash."""

    time: str
    authority: str
    digest: str


def tsa_url(given: str | None = None) -> str | None:
    """The timestamp authority to use: ``given``, else ``PAXTA_TSA_URL``, else none."""
    return given or os.environ.get("PAXTA_TSA_URL") or None


def request_stamp(url: str, data: bytes, timeout: float = 30.0) -> tuple[bytes, Stamp]:
    """Ask the authority at ``url`` to timestamp ``data``; return its reply (DER) and the stamp."""
    digest = hashlib.sha256(data).digest()
    nonce = secrets.randbits(63)
    query = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()
    try:
        reply = httpx.post(
            url,
            content=query,
            headers={"Content-Type": "application/timestamp-query"},
            timeout=timeout,
            trust_env=False,
        )
    except httpx.HTTPError as exc:
        raise PaxtaError(f"timestamp authority {url}: the request failed ({exc}).") from None
    if reply.status_code != 200:
        raise PaxtaError(f"timestamp authority {url}: HTTP {reply.status_code}.")
    stamp = read_stamp(reply.content, data, nonce)
    return reply.content, stamp


def read_stamp(reply: bytes, data: bytes, nonce: int | None = None) -> Stamp:
    """Check a reply against ``data`` (and our nonce); the stamp, or an error saying why not."""
    try:
        response = tsp.TimeStampResp.load(reply)
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise PaxtaError(f"the timestamp authority refused: {status}.")
        signed = response["time_stamp_token"]["content"]
        info = signed["encap_content_info"]["content"].parsed
    except (ValueError, TypeError, KeyError) as exc:
        raise PaxtaError(f"not a timestamp reply ({exc}).") from None
    imprint = info["message_imprint"]["hashed_message"].native
    if imprint != hashlib.sha256(data).digest():
        raise PaxtaError("the timestamp is over another document than the manifest.")
    if nonce is not None and info["nonce"].native != nonce:
        raise PaxtaError("the timestamp reply does not answer paxta's request (nonce differs).")
    tsa = info["tsa"].native if info["tsa"] else None
    return Stamp(
        info["gen_time"].native.isoformat(),
        str(tsa) if tsa else "unnamed authority",
        imprint.hex(),
    )


def verify_signature(reply: Path, data: Path, ca_file: str | None) -> str | None:
    """Check the authority's signature with ``openssl ts -verify``; a problem, or None.

    Without a configured CA certificate the signature is not checked, and that is said.
    """
    ca = ca_file or os.environ.get("PAXTA_TSA_CA")
    if not ca:
        return None
    openssl = shutil.which("openssl")
    if openssl is None:
        return "openssl is not installed: the timestamp signature was not checked"
    result = subprocess.run(
        [openssl, "ts", "-verify", "-in", str(reply), "-data", str(data), "-CAfile", ca],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0 or "Verification: OK" not in result.stdout:
        return f"{reply}: the timestamp signature does not verify ({result.stderr.strip()[:200]})"
    return None
