"""The Unified Social Credit Code (统一社会信用代码, GB 32100-2015): check and region."""

from __future__ import annotations

import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
USCC_PATTERN = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Z])"
)


@dataclass(frozen=True)
class Uscc:
    """A checked USCC: the code, whether its check character is right, and its region code."""

    code: str
    valid: bool
    region: str

    @property
    def xinjiang(self) -> bool:
        """Registered by an authority in Xinjiang (region code 65xxxx; 6590xx for XPCC cities)."""
        return self.valid and self.region.startswith("65")


def check_character(body: str) -> str:
    """The check character for the first 17 characters of a USCC."""
    total = sum(_VALUE[ch] * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse_uscc(text: str) -> Uscc | None:
    """Check an 18-character code; ``None`` when it has the wrong shape."""
    code = text.strip().upper()
    if len(code) != 18 or any(ch not in _VALUE for ch in code) or not code[2:8].isdigit():
        return None
    return Uscc(code, check_character(code[:17]) == code[17], code[2:8])


def find_usccs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, Uscc]]:
    """Every well-shaped USCC in ``text[start:end]`` with its span (valid or not)."""
    out = []
    for m in USCC_PATTERN.finditer(text.upper(), start, len(text) if end is None else end):
        parsed = parse_uscc(m.group(0))
        if parsed is not None:
            out.append((m.start(), m.end(), parsed))
    return out
