"""Which writing system a piece of text is in: Han, Latin, Arabic (Uyghur), Cyrillic."""

from __future__ import annotations

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


def detect_script(text: str) -> str:
    """Return the dominant script of ``text``: Hani, Latn, Arab, Cyrl, Mixed or Zyyy (none).

    A text is ``Mixed`` only when a second script holds at least a quarter of its letters, so
    "合盛硅业 Co." counts as Han.
    """
    counts = Counter(s for s in map(char_script, text) if s is not None)
    if not counts:
        return NONE
    (top, n), *rest = counts.most_common(2)
    if rest and rest[0][1] * 4 >= n + rest[0][1]:
        return MIXED
    return top


def has_han(text: str) -> bool:
    """True when ``text`` holds at least one Chinese character."""
    return any(char_script(ch) == HAN for ch in text)
