"""Which writing system a piece of text is in: Han, Latin, Arabic (Uyghur), Cyrillic."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

HAN = "Hani"
LATIN = "Latn"
ARABIC = "Arab"
CYRILLIC = "Cyrl"
MIXED = "Mixed"
NONE = "Zyyy"


def char_script(ch: str) -> str | None:
    """Return the script code of one character, or ``None`` for digits, spaces, punctuation."""
    code = ord(ch)
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FA1F:
        return HAN
    if 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFEFF or 0x0750 <= code <= 0x077F:
        return ARABIC
    if 0x0400 <= code <= 0x04FF:
        return CYRILLIC
    if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
        return LATIN
    return None


_SCRIPT_RES = {
    HAN: re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002fa1f]"),
    ARABIC: re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]"),
    CYRILLIC: re.compile(r"[\u0400-\u04ff]"),
    LATIN: re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
}


def detect_script(text: str) -> str:
    """Return the dominant script of ``text``: Hani, Latn, Arab, Cyrl, Mixed or Zyyy (none).

    A text is ``Mixed`` only when a second script holds at least 40% of its letters, so
    "合盛硅业 Co." counts as Han.
    """
    if text.isascii():
        return LATIN if _SCRIPT_RES[LATIN].search(text) else NONE
    counts = Counter({s: n for s, rx in _SCRIPT_RES.items() if (n := len(rx.findall(text)))})
    if not counts:
        return NONE
    (top, n), *rest = counts.most_common(2)
    if rest and rest[0][1] * 5 >= (n + rest[0][1]) * 2:
        return MIXED
    return top


def has_han(text: str) -> bool:
    """True when ``text`` holds at least one Chinese character."""
    return any(char_script(ch) == HAN for ch in text)
