"""Latin-script company names as bills of lading write them, brought to one comparable form.

Upper case, truncated fields, abbreviations (CO LTD, IND, INDL, INTL, TECH, MFG, GRP, TEX),
British and American spellings (fibre/fiber, colour/color), missing punctuation: all folded so
"XINJIANG ZHONGTAI CHEM IND CO LTD" and "Xinjiang Zhongtai Chemical Industry Co., Ltd." compare
word for word. Legal-form words are separated from the rest, since they identify least.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from paxta.names.wordtables import table, words
from paxta.native import picklable
from paxta.places.gazetteer import ADMIN_WORDS as ADMIN_WORDS  # County, Uygur ...: place words

# The tables live in paxta/data/names/vocabulary.toml (with their provenance).
ABBREVIATIONS: dict[str, str] = table("abbreviations")  # IND, INTL, TEX, CO LTD ...
SPELLINGS: dict[str, str] = table("spellings")  # fibre/fiber; Turkish and Russian business words
LEGAL_WORDS = words("legal")  # legal forms and kinds of organisation: identify least
STOPWORDS = words("legal", "stopwords")  # of, for, de ...: no name is told by them
_TOKEN = re.compile(r"[a-z0-9]+(?:['/][a-z0-9]+)?")


@dataclass(frozen=True)
class LatinName:
    """A Latin-script name as words: the identifying words and the legal-form words apart."""

    original: str
    words: tuple[str, ...]
    legal: tuple[str, ...]

    @property
    def key(self) -> str:
        """The identifying words joined: equal keys mean the same name up to spelling."""
        return " ".join(self.words)


def latin_key(text: str) -> str:
    """A Latin name as a trade key: lower case, letters and digits only (G&G: gg)."""
    return _NOT_ALNUM.sub("", text.casefold())


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is what str.isalnum() keeps, and the underscore


def fold_latin(text: str) -> str:
    """Lower case without accents (Ürümqi → urumqi)."""
    if text.isascii():  # (most names: nothing to decompose)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def normalise_latin(name: str) -> LatinName:
    """Tokenise, expand abbreviations, unify spellings and set the legal-form words apart."""
    sequence = word_sequence(name)
    legal = [w for w in sequence if w in LEGAL_WORDS]
    merged = _merge_letters([w for w in sequence if w not in LEGAL_WORDS])  # A CO G: "ag"
    legal += [w for w in merged if w in LEGAL_WORDS]
    return LatinName(name, tuple(w for w in merged if w not in LEGAL_WORDS), tuple(legal))


def word_sequence(name: str) -> tuple[str, ...]:
    """The name's words in their order, legal forms included: abbreviations expanded,
    spellings unified, stop words dropped ("CO LTD" and "Company Limited" agree)."""
    words: list[str] = []
    text = _APOSTROPHE.sub("'", fold_latin(name)).replace("&", " and ")
    text = _POSSESSIVE.sub("", text).replace("'", " ")  # People's: people; Xi'an: xi an
    text = _NON.sub("non", text)  # NON-FERROUS, NON WOVEN: nonferrous, nonwoven
    for token in _merge_letters(_possessive_s(_TOKEN.findall(text))):
        token = _mended(token)
        expanded = ABBREVIATIONS.get(token) or token.replace("/", " ")  # IMPORT/EXPORT
        for part in expanded.split():
            part = SPELLINGS.get(part, part)
            if part == "&" or part in STOPWORDS:
                continue
            words.append(part)
    return tuple(_merge_letters(words))  # letters an ampersand kept apart (A&G) join up here


def _mended(token: str) -> str:
    """A word as it was meant: a digit a scan or typist put for a letter (X1NJIANG), a legal
    form with a slip (LIMTED), one written onto the name (ZHONGTAICHEMICALCOLTD)."""
    if token.isalpha():
        if token in _LEGAL_SLIPS:
            return _LEGAL_SLIPS[token]
        if len(token) >= 12:
            for form in _GLUED_FORMS:
                if token.endswith(form) and len(token) - len(form) >= 6:
                    return f"{token[: -len(form)]} {ABBREVIATIONS.get(form, form)}"
        return token
    letters = sum(c.isalpha() for c in token)
    if letters >= 4 and len(token) - letters <= 2 and not token[0].isdigit():
        mended = token.translate(_DIGIT_LETTERS)
        if mended.isalpha():
            return mended
    return token


_DIGIT_LETTERS = str.maketrans("01", "oi")
_GLUED_FORMS = ("coltd", "colimited", "limited", "company", "ltd")


def _slips(word: str) -> dict[str, str]:
    """``word`` with one letter left out, two neighbours swapped or one doubled."""
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    out |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    return {slip: word for slip in out - {word}}


_LEGAL_SLIPS = {**_slips("limited"), **_slips("company"), **_slips("corporation")}


_APOSTROPHE = re.compile("[\u2019\u2018\u02bc`]")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s\b")
_NON = re.compile(r"\bnon[\s-]+(?=[a-z]{4})")


def _possessive_s(tokens: list[str]) -> list[str]:
    """A bill of lading writes PEOPLE'S as PEOPLE S: the lone S after a word goes (S.A. stays)."""
    return [
        t
        for i, t in enumerate(tokens)
        if t != "s"
        or i == 0
        or len(tokens[i - 1]) < 2
        or (i + 1 < len(tokens) and len(tokens[i + 1]) == 1)
    ]


def _merge_letters(tokens: list[str]) -> list[str]:
    """Runs of single letters are one word: L.L.C. is llc, S.A. de C.V. is sa de cv."""
    out: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            out.append(run)
            run = ""
        out.append(token)
    if run:
        out.append(run)
    return out


picklable(LatinName)  # (frozen: see paxta.native)
