import Foundation
import Store

/// The PostgreSQL layout and its migrations. Tables mean what the SQLite engine's do (see
/// `Schema` there); the differences, and why:
/// - `cdntop_schema`: one row per applied migration. Its table comment is the marker that
///   tells cdntop's schema from another program's tables, as `application_id` does in SQLite.
/// - `probe` is partitioned by range on `ts` (µs), one partition per UTC day (`DayPartitions`):
///   retention drops whole days instead of deleting 72M rows a day one by one. It has no
///   foreign keys and no unique index, so a round goes in with one `COPY`.
/// - `delivery_key` holds the outbox's keys, partitioned by the same days (a unique index on
///   a partitioned table must include the partition key, and a key always comes with its
///   probe's time), so a batch delivered twice is stored once and the keys go with their day.
/// - `endpoint` and `vantage` are insert-only dictionaries. The newest probe time and origin
///   flag of each endpoint entry live in `probe_state` (per entry and vantage) rather than
///   on the endpoint row: agents at different vantages then never wait for each other's
///   row locks, where a shared `endpoint.last_probe` would serialize every writer.
/// - `write_count`: probes stored per writer (agent id, '' without one); their sum is the
///   change marker. `max(probe.id)` would not do: concurrent writers commit out of id order.
/// - `traffic_rollup` (v2) sorts `site` in the "C" collation: byte order, the order SQLite
///   reads and writers lock rows in, whatever the database's locale.
///
/// Migrations are append-only: a database migrated once is never migrated differently.
enum PostgresSchema {
    /// The comment on `cdntop_schema`.
    static let marker = "cdntop probe database"

    static let migrations: [(identifier: String, sql: String)] = [
        ("v1", """
            CREATE TABLE cdntop_schema (
                migration text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            COMMENT ON TABLE cdntop_schema IS '\(marker)';
            CREATE TABLE endpoint (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL,
                site text NOT NULL,
                url text NOT NULL,
                UNIQUE (name, site, url)
            );
            CREATE TABLE vantage (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                label text NOT NULL,
                continent smallint NOT NULL,      -- Continent code, 0 = unknown
                UNIQUE (label, continent)
            );
            CREATE TABLE agent (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL UNIQUE,        -- the agent's stable id
                region text NOT NULL,
                last_probe bigint,                -- µs since 1970 UTC of its newest probe stored
                status text                       -- JSON AgentStatus
            );
            CREATE SEQUENCE probe_id;
            CREATE TABLE probe (
                id bigint NOT NULL DEFAULT nextval('probe_id'),
                ts bigint NOT NULL,               -- µs since 1970 UTC
                endpoint_id bigint NOT NULL,
                vantage_id bigint NOT NULL,
                agent_id bigint,
                provider smallint,
                ok boolean NOT NULL,
                status integer,
                http_version text,
                cache smallint,
                cache_raw text,
                pop text,
                pop_region smallint,
                age bigint,
                dns_us bigint NOT NULL,
                connect_us bigint NOT NULL,
                tls_us bigint NOT NULL,
                ttfb_us bigint NOT NULL,
                transfer_us bigint NOT NULL,
                total_us bigint NOT NULL,
                bytes bigint NOT NULL,
                redirects integer NOT NULL,
                remote_ip text,
                error smallint,
                error_detail text
            ) PARTITION BY RANGE (ts);
            CREATE INDEX probe_by_time ON probe (ts, id);
            CREATE INDEX probe_failures ON probe (endpoint_id, ts) WHERE error IS NOT NULL;
            CREATE TABLE delivery_key (
                key text NOT NULL,
                ts bigint NOT NULL,               -- the probe's time: its partition
                PRIMARY KEY (key, ts)
            ) PARTITION BY RANGE (ts);
            CREATE TABLE rollup (
                span integer NOT NULL,            -- bucket length in seconds: 60, 3600, 86400
                bucket bigint NOT NULL,           -- bucket start, seconds since 1970 UTC
                endpoint_id bigint NOT NULL,
                vantage_id bigint NOT NULL,
                pop_region smallint NOT NULL,     -- Continent code, 0 = unknown
                probes bigint NOT NULL,
                ok bigint NOT NULL,
                summary bytea NOT NULL,           -- RollupCodec
                PRIMARY KEY (span, bucket, endpoint_id, vantage_id, pop_region)
            );
            CREATE TABLE latest_headers (
                endpoint_id bigint NOT NULL,
                vantage_id bigint NOT NULL,
                ts bigint NOT NULL,
                headers text NOT NULL,            -- JSON ResponseHeaderLines
                PRIMARY KEY (endpoint_id, vantage_id)
            );
            CREATE TABLE probe_state (
                endpoint_id bigint NOT NULL,
                vantage_id bigint NOT NULL,
                ts bigint,                        -- µs of the newest probe; NULL only inside the
                                                  -- transaction that adds the row
                error smallint,
                status integer,
                cache smallint,
                failing_since bigint,
                is_origin boolean NOT NULL DEFAULT false, -- the flag the newest probe carried
                PRIMARY KEY (endpoint_id, vantage_id)
            );
            CREATE TABLE event (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                ts bigint NOT NULL,
                endpoint_id bigint NOT NULL,
                vantage_id bigint NOT NULL,
                kind smallint NOT NULL,           -- ProbeEvent.Kind
                error smallint,
                detail text,
                status_before integer,
                status integer,
                cache_before smallint,
                cache smallint
            );
            CREATE INDEX event_by_time ON event (ts);
            CREATE INDEX event_flips ON event (endpoint_id, kind, ts, vantage_id, cache_before, cache);
            CREATE TABLE retention_horizon (
                span integer PRIMARY KEY,
                oldest_bucket bigint NOT NULL
            );
            CREATE TABLE write_count (
                writer text PRIMARY KEY,
                probes bigint NOT NULL
            );
            """),
        ("v2 traffic", """
            CREATE TABLE traffic_rollup (
                span integer NOT NULL,            -- bucket length in seconds: 60, 3600, 86400
                bucket bigint NOT NULL,           -- bucket start, seconds since 1970 UTC
                site text COLLATE "C" NOT NULL,   -- byte order, as SQLite sorts and writers lock
                provider smallint NOT NULL,       -- Provider code, 0 = none
                requests bigint NOT NULL,
                summary bytea NOT NULL,           -- TrafficCodec
                PRIMARY KEY (span, bucket, site, provider)
            );
            CREATE TABLE log_position (
                source text PRIMARY KEY,          -- the log file's absolute path
                file_id text NOT NULL,            -- device:inode when it was read
                byte_offset bigint NOT NULL       -- bytes read, to the end of the last whole line
            );
            """),
    ]

    /// What is in the connection's current schema, as far as opening it is concerned.
    enum Found {
        case empty
        case cdntop(applied: [String])
        case foreign
    }

    static func inspect(_ connection: Connection) throws -> Found {
        let marked = try connection.query("""
            SELECT obj_description(c.oid, 'pg_class') FROM pg_class c
            WHERE c.relname = 'cdntop_schema' AND c.relnamespace = current_schema()::regnamespace
            """)
        if marked.count == 1, marked.string(0, 0) == marker {
            let rows = try connection.query("SELECT migration FROM cdntop_schema")
            return .cdntop(applied: (0..<rows.count).compactMap { rows.string($0, 0) })
        }
        let tables = try connection.query("""
            SELECT count(*) FROM pg_class c
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """)
        return (try tables.int(0, 0) as Int64?) == 0 ? .empty : .foreign
    }

    /// Refuses another program's tables and a newer cdntop's schema, then applies the missing
    /// migrations, in one transaction under an advisory lock: two agents starting together on
    /// an empty database take turns, and the second finds the first one's schema.
    static func migrate(_ connection: Connection, location: String) throws {
        try connection.transaction {
            try connection.query("SELECT pg_advisory_xact_lock($1)", [.int8(advisoryLock)])
            let applied: [String]
            switch try inspect(connection) {
            case .foreign: throw StoreError.foreignDatabase(location: location)
            case .empty: applied = []
            case .cdntop(let found): applied = found
            }
            try refuseNewer(applied, location: location)
            for migration in migrations where !applied.contains(migration.identifier) {
                try connection.execute(migration.sql)
                try connection.query("INSERT INTO cdntop_schema (migration) VALUES ($1)", [.text(migration.identifier)])
            }
        }
    }

    /// For readers, which never create or migrate: the schema as it is, or why not.
    static func check(_ connection: Connection, location: String) throws {
        switch try inspect(connection) {
        case .foreign: throw StoreError.foreignDatabase(location: location)
        case .empty: throw StoreError.missing(path: location)
        case .cdntop(let applied):
            try refuseNewer(applied, location: location)
            if applied.count < migrations.count {
                throw StoreError.failed(path: location, reason: "its schema is older than this cdntop's; "
                                        + "let a cdntop writer (an agent) open it once to bring it up to date")
            }
        }
    }

    private static func refuseNewer(_ applied: [String], location: String) throws {
        let known = Set(migrations.map(\.identifier))
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty { throw StoreError.newerSchema(path: location, unknownMigrations: unknown.sorted()) }
    }

    /// The advisory lock key of schema changes ("cdntop" in ASCII); day partitions use their own.
    static let advisoryLock: Int64 = 0x6364_6E74_6F70
}
