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
    (
        3,
        "cases: parties, ownership, documents, movements, production, lots",
        [
            """CREATE TABLE case_parties (
                case_id VARCHAR NOT NULL, party_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
                name_native VARCHAR, aliases VARCHAR[], address VARCHAR, country VARCHAR,
                registry_ids VARCHAR[], role VARCHAR
            )""",
            """CREATE TABLE case_ownership (
                case_id VARCHAR NOT NULL, parent_id VARCHAR NOT NULL, child_id VARCHAR NOT NULL,
                share DOUBLE, source VARCHAR
            )""",
            """CREATE TABLE case_documents (
                case_id VARCHAR NOT NULL, document_id VARCHAR NOT NULL, type VARCHAR NOT NULL,
                date DATE, issuer_id VARCHAR, recipient_id VARCHAR, language VARCHAR,
                translated BOOLEAN, file VARCHAR, sha256 VARCHAR, supports VARCHAR
            )""",
            """CREATE TABLE case_movements (
                case_id VARCHAR NOT NULL, movement_id VARCHAR NOT NULL, document_id VARCHAR,
                seller_id VARCHAR NOT NULL, buyer_id VARCHAR NOT NULL, payee_id VARCHAR,
                product VARCHAR, hs_code VARCHAR, quantity DOUBLE, unit VARCHAR,
                port_from VARCHAR, port_to VARCHAR, date DATE, basis VARCHAR, resolution VARCHAR
            )""",
            """CREATE TABLE case_production (
                case_id VARCHAR NOT NULL, record_id VARCHAR NOT NULL, document_id VARCHAR,
                facility_id VARCHAR NOT NULL, process VARCHAR NOT NULL, unit VARCHAR,
                start_date DATE, end_date DATE, recycled_share DOUBLE, recycled_origin VARCHAR
            )""",
            """CREATE TABLE case_lots (
                case_id VARCHAR NOT NULL, owner VARCHAR NOT NULL, kind VARCHAR NOT NULL,
                lot VARCHAR NOT NULL, quantity DOUBLE
            )""",
        ],
    ),
    (
        4,
        "evidence: captures and the hash-chained custody log",
        [
            """CREATE TABLE evidence (
                evidence_id VARCHAR NOT NULL, url VARCHAR NOT NULL, final_url VARCHAR,
                status INTEGER, case_name VARCHAR, captured_at TIMESTAMP NOT NULL,
                folder VARCHAR NOT NULL, manifest_sha256 VARCHAR NOT NULL
            )""",
            """CREATE TABLE evidence_custody (
                seq INTEGER NOT NULL, evidence_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
                actor VARCHAR NOT NULL, happened_at TIMESTAMP NOT NULL,
                tool_version VARCHAR NOT NULL, details VARCHAR,
                prev_hash VARCHAR NOT NULL, entry_hash VARCHAR NOT NULL
            )""",
            """CREATE TABLE watches (
                watch_id INTEGER NOT NULL, url VARCHAR NOT NULL, terms VARCHAR[] NOT NULL,
                every_seconds INTEGER NOT NULL, allow_private BOOLEAN NOT NULL,
                case_name VARCHAR, created_at TIMESTAMP NOT NULL, last_run TIMESTAMP,
                last_evidence_id VARCHAR, last_text VARCHAR
            )""",
            """CREATE TABLE evidence_links (
                evidence_id VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
                start_at INTEGER NOT NULL, end_at INTEGER NOT NULL, decision VARCHAR NOT NULL
            )""",
        ],
    ),
    (
        5,
        "watch events: what each watch run found, kept for the evidence browser",
        [
            """CREATE TABLE watch_events (
                event_id INTEGER NOT NULL, watch_id INTEGER NOT NULL, url VARCHAR NOT NULL,
                happened_at TIMESTAMP NOT NULL,
                event VARCHAR NOT NULL, status INTEGER, terms VARCHAR NOT NULL,
                removed VARCHAR[] NOT NULL, evidence_before VARCHAR, evidence_after VARCHAR,
                note VARCHAR
            )""",
        ],
    ),
    (
        6,
        "screening: the algorithm of each run; each row's Xinjiang region and why",
        [
            "ALTER TABLE screenings ADD COLUMN algorithm VARCHAR",
            "ALTER TABLE screening_rows ADD COLUMN region VARCHAR",
            "ALTER TABLE screening_rows ADD COLUMN region_why VARCHAR",
        ],
    ),
    (
        7,
        "trade records: imports, records, resolved parties and organisations",
        [
            """CREATE TABLE trade_imports (
                import_id INTEGER NOT NULL, format VARCHAR NOT NULL, files VARCHAR[] NOT NULL,
                sha256 VARCHAR NOT NULL, records BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE trade_records (
                import_id INTEGER NOT NULL, record_id VARCHAR NOT NULL, format VARCHAR NOT NULL,
                file VARCHAR NOT NULL, line BIGINT, bol VARCHAR, date DATE,
                exporter VARCHAR, exporter_address VARCHAR, exporter_country VARCHAR,
                importer VARCHAR, importer_address VARCHAR, importer_country VARCHAR,
                hs_codes VARCHAR[] NOT NULL, description VARCHAR, quantity DOUBLE, unit VARCHAR,
                weight_kg DOUBLE, value_usd DOUBLE, port_lading VARCHAR, port_unlading VARCHAR
            )""",
            """CREATE TABLE trade_parties (
                name VARCHAR NOT NULL, country VARCHAR NOT NULL, org_id BIGINT NOT NULL,
                records BIGINT NOT NULL, reason VARCHAR NOT NULL
            )""",
            """CREATE TABLE trade_orgs (
                org_id BIGINT NOT NULL, name VARCHAR NOT NULL, country VARCHAR NOT NULL,
                address VARCHAR, spellings INTEGER NOT NULL, records BIGINT NOT NULL,
                decision VARCHAR NOT NULL, score DOUBLE, entity_id VARCHAR, list VARCHAR,
                listed_name VARCHAR, relation VARCHAR, explanation VARCHAR,
                algorithm VARCHAR NOT NULL, list_versions VARCHAR NOT NULL,
                region VARCHAR NOT NULL, region_why VARCHAR NOT NULL
            )""",
        ],
    ),
    (
        8,
        "trade records: which AMS party named the importer (consignee, or the notify party when "
        "the consignee is TO ORDER)",
        ["ALTER TABLE trade_records ADD COLUMN importer_named_by VARCHAR"],
    ),
    (
        9,
        "list fetching: each check of a publisher, the supplier files a user watches, and what "
        "each list update meant for what the user holds",
        [
            """CREATE TABLE list_fetches (
                fetch_id INTEGER NOT NULL, source VARCHAR NOT NULL, checked_at TIMESTAMP NOT NULL,
                outcome VARCHAR NOT NULL, urls VARCHAR NOT NULL, etags VARCHAR NOT NULL,
                version_id INTEGER, message VARCHAR
            )""",
            """CREATE TABLE watchlists (
                watchlist_id INTEGER NOT NULL, name VARCHAR NOT NULL, path VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL, added_at TIMESTAMP NOT NULL, row_count INTEGER NOT NULL
            )""",
            """CREATE TABLE watchlist_rows (
                watchlist_id INTEGER NOT NULL, row_no INTEGER NOT NULL, line INTEGER,
                name VARCHAR NOT NULL, address VARCHAR, country VARCHAR, registry_id VARCHAR,
                ref VARCHAR
            )""",
            """CREATE TABLE list_impacts (
                impact_id INTEGER NOT NULL, source VARCHAR NOT NULL, old_version_id INTEGER,
                new_version_id INTEGER NOT NULL, happened_at TIMESTAMP NOT NULL,
                held VARCHAR NOT NULL, held_ref VARCHAR NOT NULL, name VARCHAR NOT NULL,
                change VARCHAR NOT NULL, decision VARCHAR NOT NULL, entity_id VARCHAR NOT NULL,
                listed_name VARCHAR NOT NULL, programs VARCHAR NOT NULL, line VARCHAR NOT NULL
            )""",
        ],
    ),
    (
        10,
        "case documents: the SHA-256 of the document's file, computed at import when the file "
        "is in the case folder",
        ["ALTER TABLE case_documents ADD COLUMN file_sha256 VARCHAR"],
    ),
    (
        11,
        "analysts' decisions can be withdrawn (undo: a newer row that says so, the old one kept); "
        "each saved screening row keeps its query as decisions are keyed",
        [
            "ALTER TABLE decisions ADD COLUMN withdrawn BOOLEAN",
            "ALTER TABLE screening_rows ADD COLUMN query_key VARCHAR",
        ],
    ),
    (12, "watches can be paused", ["ALTER TABLE watches ADD COLUMN paused BOOLEAN"]),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
