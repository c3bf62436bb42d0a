"""The store's schema, as numbered migrations applied in order and recorded in ``meta``."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "official lists: versions, entities, names",
        [
            """CREATE TABLE list_versions (
                version_id INTEGER PRIMARY KEY,
                source VARCHAR NOT NULL,
                version VARCHAR NOT NULL,
                format VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                files VARCHAR NOT NULL,
                source_url VARCHAR,
                entity_count INTEGER NOT NULL,
                imported_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE entities (
                version_id INTEGER NOT NULL,
                entity_id VARCHAR NOT NULL,
                schema VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                scope VARCHAR,
                effective_date VARCHAR,
                source_url VARCHAR,
                remarks VARCHAR,
                countries VARCHAR[],
                addresses VARCHAR[],
                identifiers STRUCT(kind VARCHAR, value VARCHAR)[],
                programs STRUCT(code VARCHAR, effective_date VARCHAR)[],
                fingerprint VARCHAR NOT NULL
            )""",
            """CREATE TABLE entity_names (
                version_id INTEGER NOT NULL,
                entity_id VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                script VARCHAR NOT NULL
            )""",
        ],
    ),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
