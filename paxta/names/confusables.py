"""Letters from other alphabets that look like Latin ones, read as the Latin letters.

``XINJIANG ZHОNGTАI`` with a Cyrillic О and А looks like the listed name and is not, to a
program that compares code points. A Latin name with such look-alikes (Cyrillic, Greek,
Armenian, Cherokee ...; fullwidth and mathematical letters are already folded by NFKC) is read
with the Latin letters they imitate, and the explanation says so. A name written wholly in
another alphabet (ООО РОСНЕФТЬ) is left as it is: that is a name in that alphabet, not a
disguised Latin one. The table is Unicode's confusables data as packaged by
``confusable_homoglyphs`` (MIT).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from confusable_homoglyphs import confusables


@cache
def _table() -> dict[str, str]:
    out: dict[str, str] = {}
    for char, glyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        latin = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii()]
        if latin and latin[0].isalnum():
            out[char] = latin[0]
    return out


def fold_confusables(text: str) -> tuple[str, str]:
    """``text`` with look-alike letters read as Latin, and the letters that were replaced
    ("" when none): only in a text that also has ASCII letters of its own."""
    if text.isascii() or not any(ch.isascii() and ch.isalpha() for ch in text):
        return text, ""
    table = _table()
    if not any(ch in table for ch in text):
        return text, ""
    if any(ch.isalpha() and not ch.isascii() and ch not in table and not _latin(ch) for ch in text):
        return text, ""  # other letters of that alphabet too: a name in it, not a disguise
    replaced = "".join(sorted({ch for ch in text if ch in table}))
    return "".join(table.get(ch, ch) for ch in text), replaced


def _latin(ch: str) -> bool:
    """Accented Latin letters (Ü, é) belong to Latin names; other scripts' letters do not."""
    return unicodedata.name(ch, "").startswith("LATIN")
