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
    (
        2,
        "screening: name index, aliases, analyst decisions, saved screenings",
        [
            """CREATE TABLE name_index (
                name VARCHAR NOT NULL,
                features VARCHAR NOT NULL,
                blocks VARCHAR[] NOT NULL,
                features_version INTEGER NOT NULL
            )""",
            """CREATE TABLE aliases (
                han VARCHAR NOT NULL,
                latin VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                added_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE decisions (
                query_key VARCHAR NOT NULL,
                query VARCHAR NOT NULL,
                entity_id VARCHAR NOT NULL,
                fingerprint VARCHAR NOT NULL,
                verdict BOOLEAN NOT NULL,
                note VARCHAR,
                analyst VARCHAR,
                decided_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE screenings (
                screening_id INTEGER NOT NULL,
                input VARCHAR NOT NULL,
                output VARCHAR,
                options VARCHAR NOT NULL,
                versions VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                row_count INTEGER NOT NULL,
                finished BOOLEAN NOT NULL
            )""",
            """CREATE TABLE screening_rows (
                screening_id INTEGER NOT NULL,
                row_no INTEGER NOT NULL,
                line INTEGER,
                query VARCHAR NOT NULL,
                address VARCHAR,
                country VARCHAR,
                registry_id VARCHAR,
                decision VARCHAR NOT NULL,
                score DOUBLE NOT NULL,
                entity_id VARCHAR,
                list VARCHAR,
                list_version VARCHAR,
                listed_name VARCHAR,
                matched_name VARCHAR,
                explanation VARCHAR,
                fingerprint VARCHAR
            )""",
        ],
    ),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
