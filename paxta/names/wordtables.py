"""The word tables names are read with, from ``paxta/data/names/vocabulary.toml``.

Sectors and trades of industry words, abbreviations, spellings, legal-form words, address words,
pinyin readings and phrases are data, not code: the file says where each came from, and the
screening index is keyed by its checksum.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from paxta.data import data_path

VOCABULARY = data_path("names", "vocabulary.toml")


@cache
def _tables() -> dict[str, Any]:
    with VOCABULARY.open("rb") as f:
        return tomllib.load(f)


def table(name: str) -> dict[str, Any]:
    """One table of the file (``abbreviations``, ``sectors`` ...) as a dict."""
    return dict(_tables()[name])


def words(name: str, key: str = "words") -> frozenset[str]:
    """A list of words in a table (``words("legal")``, ``words("legal", "stopwords")``)."""
    return frozenset(_tables()[name][key])
