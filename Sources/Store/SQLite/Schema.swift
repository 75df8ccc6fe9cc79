import Foundation
import GRDB

/// The database layout and its migrations.
///
/// Layout, and why:
/// - `endpoint`, `vantage`: dictionaries, so a raw row stores two small ids instead of names
///   and URLs. An endpoint whose URL changes gets a new id; queries group by name. `endpoint`
///   doubles as the catalog reports are labelled from without the config: it keeps each
///   entry's origin flag and newest probe time, which decide what is current (`Dictionaries`).
/// - `probe`: one row per probe, timestamps in µs, vocabularies as `StoredVocabulary` codes.
///   Only `export` scans it; the detail view reads its newest failures through an index.
/// - `rollup`: per (span, bucket, endpoint, vantage, POP region) the probe and ok counts plus
///   a `summary` blob (`RollupCodec`): per phase a sum and a sketch, counts per cache
///   status, error class, provider, HTTP version and POP. Minute, hour and day spans live in
///   one table so one upsert statement and one query statement serve them all. `WITHOUT ROWID`
///   stores rows in key order: the rows of one span and time range sit on adjacent pages, and
///   the key is not stored twice (table and index).
/// - `latest_headers`: the last response headers per (endpoint, vantage), for the detail view;
///   raw probes do not keep headers.
/// - `event`: the transitions `EventDetector` found as each round was recorded (failures,
///   recoveries, status changes, cache flips), so an events log of any window is an indexed
///   read; `event_flips` covers the per-endpoint flip counts. `probe_state` keeps, per
///   (endpoint, vantage), the newest probe's outcome the next one is judged against, and when
///   its failure run began. Migration v2 fills both from the raw probes already stored.
/// - `probe_failures`: a partial index of failed probes per endpoint, for the detail view's
///   recent errors without a scan (and small: only failures are in it).
/// - `probe.delivery_key` (v3): the key the outbox gave each probe, unique, so a batch
///   delivered twice is stored once. NULL for probes written before, or without the outbox.
/// - `agent` (v4): each agent that wrote here, by its stable id: the time of its newest probe
///   and the status it last reported (outbox backlog, schedule), for "silent" and "not yet
///   delivered" on screen; `probe.agent_id` points to it (NULL for probes written before).
/// - `traffic_rollup` (v5): real traffic from CDN access logs, per (span, bucket, site,
///   provider): the request count and a `TrafficCodec` summary. Minutes, hours and days in one
///   table, as for probes; `log_position` keeps per log file how far `cdntop logs ingest`
///   read, written in the same transaction as the minutes, so a restart reads nothing twice.
/// - `retention_horizon`: per span, the oldest bucket that pruning left complete, so a window
///   reaching further back widens to a coarser span instead of reporting partial figures.
enum Schema {
    /// `PRAGMA application_id` of cdntop databases ("cdnt"): tells a cdntop file from another
    /// program's SQLite database before anything is written into it.
    static let applicationID: Int32 = 0x6364_6E74

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                PRAGMA application_id = \(applicationID);
                CREATE TABLE endpoint (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    site TEXT NOT NULL,
                    url TEXT NOT NULL,
                    is_origin INTEGER NOT NULL,  -- the flag of the newest probe recorded
                    last_probe INTEGER NOT NULL, -- µs since 1970 UTC of the newest probe
                    UNIQUE (name, site, url)
                );
                CREATE TABLE vantage (
                    id INTEGER PRIMARY KEY,
                    label TEXT NOT NULL,
                    continent INTEGER NOT NULL,  -- Continent code, 0 = unknown
                    UNIQUE (label, continent)
                );
                CREATE TABLE probe (
                    id INTEGER PRIMARY KEY,
                    ts INTEGER NOT NULL,         -- µs since 1970 UTC
                    endpoint_id INTEGER NOT NULL REFERENCES endpoint(id),
                    vantage_id INTEGER NOT NULL REFERENCES vantage(id),
                    provider INTEGER,            -- Provider code
                    ok INTEGER NOT NULL,
                    status INTEGER,
                    http_version TEXT,
                    cache INTEGER,               -- CacheStatus code, NULL = no cache layer
                    cache_raw TEXT,
                    pop TEXT,
                    pop_region INTEGER,          -- Continent code
                    age INTEGER,
                    dns_us INTEGER NOT NULL,
                    connect_us INTEGER NOT NULL,
                    tls_us INTEGER NOT NULL,
                    ttfb_us INTEGER NOT NULL,
                    transfer_us INTEGER NOT NULL,
                    total_us INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    redirects INTEGER NOT NULL,
                    remote_ip TEXT,
                    error INTEGER,               -- ProbeErrorClass code
                    error_detail TEXT
                );
                CREATE INDEX probe_by_time ON probe (ts);
                CREATE TABLE rollup (
                    span INTEGER NOT NULL,       -- bucket length in seconds: 60, 3600, 86400
                    bucket INTEGER NOT NULL,     -- bucket start, seconds since 1970 UTC
                    endpoint_id INTEGER NOT NULL REFERENCES endpoint(id),
                    vantage_id INTEGER NOT NULL REFERENCES vantage(id),
                    pop_region INTEGER NOT NULL, -- Continent code, 0 = unknown
                    probes INTEGER NOT NULL,
                    ok INTEGER NOT NULL,
                    summary BLOB NOT NULL,
                    PRIMARY KEY (span, bucket, endpoint_id, vantage_id, pop_region)
                ) WITHOUT ROWID;
                CREATE TABLE latest_headers (
                    endpoint_id INTEGER NOT NULL REFERENCES endpoint(id),
                    vantage_id INTEGER NOT NULL REFERENCES vantage(id),
                    ts INTEGER NOT NULL,         -- µs since 1970 UTC of the probe
                    headers TEXT NOT NULL,       -- JSON array of {name, value}
                    PRIMARY KEY (endpoint_id, vantage_id)
                );
                CREATE TABLE retention_horizon (
                    span INTEGER PRIMARY KEY,
                    oldest_bucket INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2 events") { db in
            try db.execute(sql: """
                CREATE TABLE probe_state (
                    endpoint_id INTEGER NOT NULL REFERENCES endpoint(id),
                    vantage_id INTEGER NOT NULL REFERENCES vantage(id),
                    ts INTEGER NOT NULL,         -- µs since 1970 UTC of the newest probe
                    error INTEGER,               -- its ProbeErrorClass code
                    status INTEGER,
                    cache INTEGER,               -- its CacheStatus code
                    failing_since INTEGER,       -- µs: first probe of its failure run, NULL when ok
                    PRIMARY KEY (endpoint_id, vantage_id)
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY,
                    ts INTEGER NOT NULL,         -- µs since 1970 UTC of the probe that made it
                    endpoint_id INTEGER NOT NULL REFERENCES endpoint(id),
                    vantage_id INTEGER NOT NULL REFERENCES vantage(id),
                    kind INTEGER NOT NULL,       -- ProbeEvent.Kind
                    error INTEGER,               -- ProbeErrorClass code
                    detail TEXT,
                    status_before INTEGER,
                    status INTEGER,
                    cache_before INTEGER,        -- CacheStatus codes
                    cache INTEGER
                );
                CREATE INDEX event_by_time ON event (ts);
                CREATE INDEX event_flips ON event (endpoint_id, kind, ts, vantage_id, cache_before, cache);
                CREATE INDEX probe_failures ON probe (endpoint_id, ts) WHERE error IS NOT NULL;
                """)
            try EventRows.backfill(in: db)
        }
        migrator.registerMigration("v3 delivery keys") { db in
            try db.execute(sql: """
                ALTER TABLE probe ADD COLUMN delivery_key TEXT;
                CREATE UNIQUE INDEX probe_by_delivery_key ON probe (delivery_key) WHERE delivery_key IS NOT NULL;
                """)
        }
        migrator.registerMigration("v4 agents") { db in
            try db.execute(sql: """
                CREATE TABLE agent (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,   -- the agent's stable id
                    region TEXT NOT NULL,        -- its vantage label, as of its newest probe or status
                    last_probe INTEGER,          -- µs since 1970 UTC of its newest probe stored
                    status TEXT                  -- JSON AgentStatus: what it last said of itself
                );
                ALTER TABLE probe ADD COLUMN agent_id INTEGER REFERENCES agent(id);
                """)
        }
        migrator.registerMigration("v5 traffic") { db in
            try db.execute(sql: """
                CREATE TABLE traffic_rollup (
                    span INTEGER NOT NULL,       -- bucket length in seconds: 60, 3600, 86400
                    bucket INTEGER NOT NULL,     -- bucket start, seconds since 1970 UTC
                    site TEXT NOT NULL,
                    provider INTEGER NOT NULL,   -- Provider code, 0 = none
                    requests INTEGER NOT NULL,
                    summary BLOB NOT NULL,       -- TrafficCodec
                    PRIMARY KEY (span, bucket, site, provider)
                ) WITHOUT ROWID;
                CREATE TABLE log_position (
                    source TEXT PRIMARY KEY,     -- the log file's absolute path
                    file_id TEXT NOT NULL,       -- device:inode when it was read
                    offset INTEGER NOT NULL      -- bytes read, to the end of the last whole line
                );
                """)
        }
        return migrator
    }()

    /// Opens the pool at `path`, refusing files cdntop must not touch, and brings the schema
    /// up to date.
    ///
    /// An existing file is inspected through a plain connection first: opening a pool switches
    /// the file to WAL mode, a change cdntop must not make to another program's database.
    ///
    /// While another process is creating the same file, SQLite can answer BUSY at once instead
    /// of waiting (switching a new file to WAL, recovering its WAL index): opening is retried
    /// for as long as the busy timeout allows, as a write would wait.
    static func openPool(path: String, configuration: Configuration, busyTimeout: TimeInterval) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try openPoolOnce(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    /// Opens `path` read-only for a reader, refusing files cdntop must not read as its own;
    /// nothing is created, migrated or switched to WAL. A WAL database whose index SQLite
    /// cannot create or map (read-only media without the `-shm` file) is opened immutable:
    /// no process can be writing a file on read-only media, so no change is missed.
    static func openReadOnly(path: String, busyTimeout: TimeInterval) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "cdntop.store.reader"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in try refuseForeignOrNewer(db, path: path) }
            return queue
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR].contains(error.resultCode) {
            let queue = try DatabaseQueue(path: immutableURI(path), configuration: configuration)
            try queue.read { db in try refuseForeignOrNewer(db, path: path) }
            return queue
        }
    }

    /// The SQLite URI that opens `path` as immutable (Debian's SQLite accepts URIs).
    private static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    private static func openPoolOnce(path: String, configuration: Configuration) throws -> DatabasePool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var current = false
        if size > 0 {
            current = try DatabaseQueue(path: path, configuration: configuration).read { db in
                try refuseForeignOrNewer(db, path: path)
                return try migrator.hasCompletedMigrations(db)
            }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // An up-to-date file is opened without asking for the write lock, so an agent starts
        // (and queues its probes in the outbox) while another process holds the lock.
        if !current { try migrate(pool) }
        return pool
    }

    /// Brings the schema up to date. Two processes opening a new file at the same moment (the
    /// UI and an agent started together) both find it empty and both try to create the tables;
    /// the one that loses sees "table already exists" once the winner commits. Migrating again
    /// then finds the winner's migrations applied and has nothing to do.
    private static func migrate(_ pool: DatabasePool) throws {
        var attempt = 0
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && attempt < 3 {
                attempt += 1
                if try pool.read({ db in try migrator.appliedIdentifiers(db).isEmpty }) { throw error }
            }
        }
    }

    private static func refuseForeignOrNewer(_ db: Database, path: String) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if applicationID != Self.applicationID {
            // GRDB commits its bookkeeping table (and that table's index) before the first
            // migration sets our id: a file holding only that is another cdntop process
            // creating the database right now.
            let objectCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE tbl_name != 'grdb_migrations'") ?? 0
            // A file left empty by an interrupted first run has no application id yet;
            // anything else without ours belongs to another program.
            guard applicationID == 0, objectCount == 0 else { throw StoreError.notCDNTop(path: path) }
        }
        if try migrator.hasBeenSuperseded(db) {
            let known = Set(migrator.migrations)
            let unknown = try migrator.appliedIdentifiers(db).filter { !known.contains($0) }
            throw StoreError.newerSchema(path: path, unknownMigrations: unknown.sorted())
        }
    }
}
