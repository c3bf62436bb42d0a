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

from paxta.places.gazetteer import ADMIN_WORDS as ADMIN_WORDS  # County, Uygur ...: place words

ABBREVIATIONS = {
    "ind": "industry",
    "indl": "industrial",
    "indus": "industry",
    "intl": "international",
    "int'l": "international",
    "tech": "technology",
    "techn": "technology",
    "mfg": "manufacturing",
    "manuf": "manufacturing",
    "grp": "group",
    "tex": "textile",
    "text": "textile",
    "txtl": "textile",
    "txtls": "textiles",
    "chem": "chemical",
    "chems": "chemicals",
    "elec": "electric",
    "eng": "engineering",
    "dev": "development",
    "devt": "development",
    "imp": "import",
    "exp": "export",
    "xj": "xinjiang",  # as Chinese companies' English names abbreviate it
    "i/e": "import export",
    "ie": "import export",  # I/E and I E, whose letters join up
    "trdg": "trading",
    "mat": "materials",
    "matl": "material",
    "matls": "materials",
    "garm": "garment",
    "gmt": "garment",
    "prod": "products",
    "sci": "science",
    "biotech": "biotechnology",
    "hldgs": "holdings",
    "hldg": "holding",
    "corp": "corporation",
    "co": "company",
    "psb": "public security bureau",
    "coltd": "company limited",  # CO.,LTD written without a space: COLTD, CO.LTD
    "colimited": "company limited",
    "ltd": "limited",
    "inc": "incorporated",
    "jt": "joint",
    "stk": "stock",
    "shr": "share",
}
SPELLINGS = {
    "fibre": "fiber",
    "fibres": "fibers",
    "colour": "color",
    "colours": "colors",
    "centre": "center",
    "aluminium": "aluminum",
    "economy": "economic",  # Economy & Trade, Economic and Trade: the same words in names
    "and": "&",
    "ve": "&",  # Turkish
    # Business words of Turkish and Russian names as OFAC transliterates them.
    "sanayi": "industry",
    "ticaret": "trade",
    "enerji": "energy",
    "uretim": "production",
    "insaat": "construction",
    "madencilik": "mining",
    "tekstil": "textile",
    "gida": "food",
    "denizcilik": "shipping",
    "nakliyat": "transport",
    "lojistik": "logistics",
}
LEGAL_WORDS = {
    "company",
    "limited",
    "incorporated",
    "corporation",
    "co",
    "ltd",
    "llc",
    "plc",
    "joint",
    "stock",
    "share",
    "jsc",
    "gmbh",
    "sa",
    "bv",
    "pte",
    "pvt",
    "private",
    "holdings",
    "holding",
    "group",
    "the",
    "public",
    # Legal forms elsewhere, as lists transliterate them (Russian, Turkish, European, Asian).
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "ojsc",
    "pjsc",
    "cjsc",
    "obshchestvo",
    "ogranichennoi",
    "otvetstvennostyu",
    "otvetsvennostyu",
    "aktsionernoe",
    "otkrytoe",
    "zakrytoe",
    "publichnoe",
    "s",
    "sirketi",
    "anonim",
    "as",
    "sarl",
    "srl",
    "spa",
    "ag",
    "kg",
    "bhd",
    "sdn",
    "tbk",
    "pt",
    "ltda",
    "limitada",
    "closed",
    "open",
    "liability",
    "doo",
    "cv",
    "sal",
    "sprl",
    "se",
    "inostrannoye",
    "ogranichennoy",
    "obshchestva",
    # What kind of organisation it is, rather than which one.
    "organization",
    "organisation",
    "foundation",
    "center",
    "institute",
    "association",
    "agency",
    "factory",
    "plant",
    "works",
    "bureau",
    "office",
    "establishment",
}
# Small words that join others ("Bank of Kunlun", "Compañía de ..."): no name is told by them.
STOPWORDS = frozenset({"of", "for", "de", "del", "la", "le", "du", "des", "und", "the"})
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
