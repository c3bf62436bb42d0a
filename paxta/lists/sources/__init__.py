"""The list formats paxta reads, and detection of a file's format from its content."""

from __future__ import annotations

from pathlib import Path

from paxta.errors import PaxtaError
from paxta.lists.sources.base import ListFormat, ListRead, ReadOptions
from paxta.lists.sources.ftm import FtmLines
from paxta.lists.sources.ofac import OfacSdn
from paxta.lists.sources.published import CbpPublishedCsv, ConsolidatedScreeningList, OfacXml
from paxta.lists.sources.tabular import BisEntityList, CbpOrders, MappedCsv
from paxta.lists.sources.uflpa import UflpaPage

# Order matters for detection: specific formats first, the generic CSV mapping last.
FORMATS: dict[str, ListFormat] = {
    f.name: f
    for f in (
        UflpaPage(),
        OfacSdn(),
        OfacXml(),
        BisEntityList(),
        CbpOrders(),
        ConsolidatedScreeningList(),
        CbpPublishedCsv(),
        FtmLines(),
        MappedCsv(),
    )
}

__all__ = ["FORMATS", "ListFormat", "ListRead", "ReadOptions", "detect_format"]


def detect_format(path: Path) -> ListFormat:
    """Recognise a list file (or an OFAC folder) by its content."""
    if not path.exists():
        raise PaxtaError(f"{path}: no such file or folder.")
    head = b""
    if path.is_file():
        with open(path, "rb") as f:
            head = f.read(64 * 1024)
        if not head.strip():
            raise PaxtaError(f"{path}: the file is empty.")
    for fmt in FORMATS.values():
        if fmt.sniff(path, head):
            return fmt
    names = ", ".join(FORMATS)
    raise PaxtaError(f"{path}: not a list format paxta recognises (pass --format: {names}).")
