"""Search captured text in Chinese and English: an embedded SQLite FTS5 index.

Two columns per document: ``words`` (jieba segmentation with a domain dictionary, so 拾花工 stays
one word and ranks as one) and ``grams`` (every pair of adjacent Chinese characters, and Latin
words), so no exact Chinese substring of two characters or more is ever missed. A query must
match all its grams; BM25 ranks the hits, counting words more than grams (for a query that
matches more than ``RANK_WINDOW`` documents, the newest of them). Snippets are cut from
the stored text around the first hit. The index file lives in paxta's home.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from paxta.config import inside_home
from paxta.data import data_path

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[0-9a-z]+")
SNIPPET = 60  # characters either side of the hit
RANK_WINDOW = 2_000  # a query matching more documents ranks the newest this many


@dataclass(frozen=True)
class Hit:
    """A ranked search result."""

    evidence_id: str
    url: str
    case: str | None
    score: float
    snippet: str

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "evidence_id": self.evidence_id,
            "url": self.url,
            "case": self.case,
            "score": self.score,
            "snippet": self.snippet,
        }


@cache
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for name in ("labour_transfer_terms.csv", "cn_company_terms.csv", "paxta_extra_terms.csv"):
        with data_path("terms", name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                word = row.get("term_zh", "").strip()
                if len(word) > 1:
                    tokenizer.add_word(word, freq=200_000)
    return tokenizer


def grams(text: str) -> list[str]:
    """Latin words and the two-character grams of every run of Chinese characters."""
    lowered = text.lower()
    out = _LATIN.findall(lowered)
    for run in _CJK.findall(lowered):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def words(text: str) -> list[str]:
    """jieba words (domain terms kept whole) and Latin words."""
    out = _LATIN.findall(text.lower())
    for run in _CJK.findall(text):
        out.extend(w for w in _jieba().cut(run, HMM=False) if w.strip())
    return out


class SearchIndex:
    """The FTS5 index of captured text."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or inside_home("evidence-search.sqlite")
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, evidence_id TEXT UNIQUE, "
            "url TEXT, case_name TEXT, text TEXT);"
            "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(words, grams, content='', "
            "tokenize='unicode61 remove_diacritics 2');"
        )

    def add(self, evidence_id: str, url: str, case: str | None, text: str) -> None:
        """Index one document (again: the old entry is replaced)."""
        self.add_many([(evidence_id, url, case, text)])

    def add_many(self, docs: Iterable[tuple[str, str, str | None, str]]) -> int:
        """Index many documents in one transaction; returns how many."""
        n = 0
        with self.db:
            for evidence_id, url, case, text in docs:
                old = self.db.execute(
                    "SELECT id, text FROM docs WHERE evidence_id = ?", (evidence_id,)
                ).fetchone()
                if old is not None:
                    self.db.execute(
                        "INSERT INTO fts(fts, rowid, words, grams) VALUES ('delete', ?, ?, ?)",
                        (old[0], " ".join(words(old[1])), " ".join(grams(old[1]))),
                    )
                    self.db.execute("DELETE FROM docs WHERE id = ?", (old[0],))
                cur = self.db.execute(
                    "INSERT INTO docs (evidence_id, url, case_name, text) VALUES (?, ?, ?, ?)",
                    (evidence_id, url, case, text),
                )
                self.db.execute(
                    "INSERT INTO fts (rowid, words, grams) VALUES (?, ?, ?)",
                    (cur.lastrowid, " ".join(words(text)), " ".join(grams(text))),
                )
                n += 1
        return n

    def search(self, query: str, case: str | None = None, limit: int = 20) -> list[Hit]:
        """Documents holding every part of ``query``, best first, with a snippet."""
        parts = grams(query)
        if not parts:
            return []
        gram_query = " AND ".join(f'"{p}"' for p in parts)
        match = f"grams: ({gram_query})"
        boost = [w for w in words(query) if len(w) > 1]
        if boost:  # documents with the query's words rank first (BM25 counts words thrice)
            word_query = " AND ".join(f'"{w}"' for w in boost)
            match = f"{match} OR (words: ({word_query}) AND grams: ({gram_query}))"
        # BM25 over every match is slow for common words: rank the newest RANK_WINDOW matches
        # (the boundary is found in rowid order, which FTS5 walks without scoring).
        in_case = " AND rowid IN (SELECT id FROM docs WHERE case_name = ?)" if case else ""
        filters: list[Any] = [match, *([case] if case else [])]
        edge = self.db.execute(
            f"SELECT rowid FROM fts WHERE fts MATCH ?{in_case} ORDER BY rowid DESC "
            f"LIMIT 1 OFFSET {RANK_WINDOW - 1}",
            filters,
        ).fetchone()
        sql = (
            "WITH top AS (SELECT rowid, bm25(fts, 3.0, 1.0) AS rank FROM fts WHERE fts MATCH ?"
            f"{in_case} AND rowid >= ? ORDER BY rank LIMIT ?) "
            "SELECT d.evidence_id, d.url, d.case_name, top.rank, d.text "
            "FROM top JOIN docs d ON d.id = top.rowid ORDER BY top.rank"
        )
        rows = self.db.execute(sql, [*filters, edge[0] if edge else 0, limit]).fetchall()
        return [Hit(r[0], r[1], r[2], round(-r[3], 3), snippet(r[4], query)) for r in rows]

    def close(self) -> None:
        """Close the index file."""
        self.db.close()


def snippet(text: str, query: str) -> str:
    """The text around the first place the query (or its first part) occurs."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    needles = [query.lower().strip(), *grams(query)]
    at = next((i for i in (lowered.find(n) for n in needles if n) if i >= 0), 0)
    start, end = max(0, at - SNIPPET), min(len(flat), at + SNIPPET + len(query))
    return ("..." if start else "") + flat[start:end] + ("..." if end < len(flat) else "")
