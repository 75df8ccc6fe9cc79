import CDNTopCore
import Foundation
import Store

/// The probe database on a PostgreSQL server: what many agents in many regions write into
/// and the UI, `report` and `export` read, behind the same `ProbeStore` as the SQLite file.
///
/// One connection writes and another reads, each behind its own lock: the delivery thread's
/// rounds never wait behind the UI feed's window queries. A connection the server dropped (a
/// restart, a network cut) is reset on its next use, so the store heals without being
/// reopened; the round that met the outage fails with `StoreError.unreachable` and stays in
/// the agent's outbox.
///
/// Rounds from concurrent writers (other processes, other agents) are correct without
/// serializing them: see `RoundWrite` for the lock order and the merge.
public final class PostgresProbeStore: ProbeStore {
    /// The connection URI without its password: safe to print.
    public var location: String { server.location }
    public let settings: StoreSettings
    private let server: ServerLocation
    /// nil for a store opened read-only.
    private let writer: Exclusive<WriterSession>?
    private let reader: Exclusive<OnFirstUse>

    /// Connects to `uri` (`postgres://user@host:5432/db?sslmode=…`, `postgresql://…`, or a
    /// key=value string), creating cdntop's schema in an empty database and migrating an
    /// older one. Passwords come from the URI, `PGPASSWORD` or `~/.pgpass`, read by libpq.
    /// Refuses a database with other programs' tables and one a newer cdntop migrated.
    public init(uri: String, settings: StoreSettings = .default) throws {
        let server = try ServerLocation(uri)
        self.server = server
        self.settings = settings
        let connections = try Self.translatingErrors(server, settings) {
            let writing = try Connection(conninfo: uri, setup: Self.sessionSetup(settings, readOnly: false))
            try PostgresSchema.migrate(writing, location: server.location)
            let session = WriterSession(connection: writing)
            try session.prepareDays(around: Date())
            return session
        }
        writer = Exclusive(connections)
        // An agent only writes: its reader connects when something first reads (the metrics'
        // alert state, a UI), so fifty agents hold fifty connections, not a hundred.
        let readerSetup = Self.sessionSetup(settings, readOnly: true)
        reader = Exclusive(OnFirstUse { () throws(ServerFailure) -> Connection in
            try Connection(conninfo: uri, setup: readerSetup)
        })
    }

    /// Connects for a reader (`report`, `export`, the read-only UI): never creates or migrates
    /// anything, and its session is read-only. A database without cdntop's schema yet is
    /// `StoreError.missing`: no probes have been recorded there.
    public static func openReadOnly(uri: String, settings: StoreSettings = .default) throws -> PostgresProbeStore {
        let server = try ServerLocation(uri)
        let connection = try translatingErrors(server, settings) {
            let connection = try Connection(conninfo: uri, setup: sessionSetup(settings, readOnly: true))
            try PostgresSchema.check(connection, location: server.location)
            return connection
        }
        return PostgresProbeStore(server: server, settings: settings, reader: connection)
    }

    private init(server: ServerLocation, settings: StoreSettings, reader: Connection) {
        self.server = server
        self.settings = settings
        writer = nil
        self.reader = Exclusive(OnFirstUse(reader))
    }

    /// Row locks wait as long as SQLite's busy timeout would, then fail as `busy`; notices
    /// stay on the server.
    private static func sessionSetup(_ settings: StoreSettings, readOnly: Bool) -> String {
        let milliseconds = max(1, Int(settings.busyTimeout * 1000))
        return "SET client_min_messages = warning; SET lock_timeout = \(milliseconds);"
            + (readOnly ? " SET default_transaction_read_only = on;" : "")
    }

    // MARK: Writing

    /// Stores one round of probes with its rollups, events and latest headers in one
    /// transaction. `deliveryKeys`, one per probe, make the write idempotent: a probe whose
    /// key is stored already is skipped, rollups and events included.
    public func record(_ probes: [ProbeResult], deliveryKeys: [String]?) throws {
        guard !probes.isEmpty else { return }
        precondition(deliveryKeys == nil || deliveryKeys?.count == probes.count, "one delivery key per probe")
        try writing { session in try session.record(probes, deliveryKeys: deliveryKeys) }
    }

    /// Keeps the agent's newest status (one row per agent, rewritten).
    public func report(_ status: AgentStatus) throws {
        let json = try status.storedJSON()
        try writing { session in
            try session.connection.transaction {
                try session.connection.query("""
                INSERT INTO agent (name, region, status) VALUES ($1, $2, $3)
                ON CONFLICT (name) DO UPDATE SET region = excluded.region, status = excluded.status
                """, [.text(status.agent), .text(status.region), .text(json)])
            }
        }
    }

    /// Drops the day partitions (probes and their delivery keys) wholly older than the raw
    /// retention, deletes events older than it, and rollups and traffic rows behind the horizons, which move
    /// first as in SQLite: a window read meanwhile already widens past what is about to go.
    public func prune(now: Date) throws {
        try writing { session in
            let connection = session.connection
            let kept = RetentionHorizons.kept(now: now, settings: settings)
            let spans = kept.map(\.span)
            let horizons = kept.map(\.oldestBucket)
            try connection.transaction {
                try connection.query("""
                INSERT INTO retention_horizon (span, oldest_bucket) SELECT * FROM unnest($1::int4[], $2::int8[])
                ON CONFLICT (span) DO UPDATE SET oldest_bucket = greatest(retention_horizon.oldest_bucket, excluded.oldest_bucket)
                """, [.int4Array(spans.map { Int32($0.seconds) }), .int8Array(horizons)])
            }
            let cutoff = StoredTime.microseconds(now) - Int64(settings.retention * 1_000_000)
            try DayPartitions.drop(before: cutoff, on: connection)
            session.forgetPartitions()
            // Bounded deletes, each its own transaction, so writers are never held up long.
            while try connection.query("""
                DELETE FROM event WHERE id IN (SELECT id FROM event WHERE ts < $1 LIMIT \(Self.rowsPerStep))
                """, [.int8(cutoff)]).affected == Self.rowsPerStep {}
            let stored = try Reading.horizons(connection)
            for span in spans where stored.oldestBucket(of: span) > .min {
                while try connection.query("""
                    DELETE FROM rollup WHERE (span, bucket, endpoint_id, vantage_id, pop_region) IN (
                        SELECT span, bucket, endpoint_id, vantage_id, pop_region FROM rollup
                        WHERE span = $1 AND bucket < $2 LIMIT \(Self.rowsPerStep))
                    """, [.int8(span.seconds), .int8(stored.oldestBucket(of: span))]).affected == Self.rowsPerStep {}
                // Real traffic is kept as long as the probes' rollups of the same span.
                try TrafficRows.delete(span: span, before: stored.oldestBucket(of: span), rowsPerStep: Self.rowsPerStep, connection)
            }
            try session.prepareDays(around: now)
        }
    }

    private static let rowsPerStep = 20_000

    // MARK: Reading

    /// Every probe in `[since, until)` (open-ended when nil), oldest first, in constant memory,
    /// from one snapshot. `headers` is empty and `isOrigin` is the endpoint's current flag, as
    /// in SQLite. `body` must not call back into this store: the reader connection is busy.
    public func forEachProbe(since: Date?, until: Date?, _ body: (ProbeResult) throws -> Void) throws {
        try reading { connection in
            try Reading.forEachProbe(since: since.map(StoredTime.microseconds) ?? .min,
                                     until: until.map(StoredTime.microseconds) ?? .max, connection, body)
        }
    }

    public func events(since: Date, until: Date, site: String?, limit: Int) throws -> EventLog {
        try reading { connection in
            try Reading.events(since: StoredTime.microseconds(since), until: StoredTime.microseconds(until),
                               site: site, limit: limit, connection)
        }
    }

    public func recentFailures(endpoint: String, site: String?, limit: Int) throws -> [ProbeResult] {
        try reading { connection in try Reading.recentFailures(endpoint: endpoint, site: site, limit: limit, connection) }
    }

    /// The number of probes ever stored, summed over the writers' counters: it grows with
    /// every committed round of any process, and pruning does not change it.
    public func changeMarker() throws -> Int64 {
        try reading { connection in try Reading.changeMarker(connection) }
    }

    public func lastHeaders(endpoint: String, site: String?, vantage: String?) throws -> ResponseHeaderLines {
        try reading { connection in try Reading.lastHeaders(endpoint: endpoint, site: site, vantage: vantage, connection) }
    }

    public func newestProbes(site: String) throws -> [ProbeResult] {
        try reading { connection in try Reading.newestProbes(site: site, connection) }
    }

    public func endpoints() throws -> [StoredEndpoint] {
        try reading { connection in try Reading.catalog(connection) }
    }

    public func agents() throws -> [AgentActivity] {
        try reading { connection in try Reading.agents(connection) }
    }

    public func windowAggregates(since: Date, until: Date, site: String?) throws -> WindowAggregates {
        try reading { connection in try Reading.windowAggregates(since: since, until: until, site: site, connection) }
    }

    public func timeSeries(since: Date, until: Date, span: RollupSpan, vantage: String?, site: String?) throws -> TimeSeries {
        try reading { connection in
            try Reading.timeSeries(since: since, until: until, span: span, vantage: vantage, site: site, connection)
        }
    }

    // MARK: Real traffic

    /// Merges the minutes into their minute, hour and day rows and moves the log's position,
    /// in one transaction: a failed write moves neither, so nothing is counted twice.
    public func recordTraffic(_ minutes: [TrafficMinute], position: LogPosition?) throws {
        guard !minutes.isEmpty || position != nil else { return }
        try writing { session in try session.recordTraffic(minutes, position: position) }
    }

    public func logPosition(source: String) throws -> LogPosition? {
        try reading { connection in try TrafficRows.position(source: source, connection) }
    }

    /// Per (site, provider), `[since, until)` from the coarsest rows that fit, as in SQLite.
    public func trafficWindow(since: Date, until: Date, site: String?) throws -> [TrafficMinute] {
        try reading { connection in try TrafficRows.window(since: since, until: until, site: site, connection) }
    }

    public func trafficSeries(since: Date, until: Date, span: RollupSpan, site: String?) throws -> [TrafficMinute] {
        try reading { connection in try TrafficRows.series(since: since, until: until, span: span, site: site, connection) }
    }

    // MARK: Connections and errors

    private func writing<T>(_ body: (WriterSession) throws -> T) throws -> T {
        guard let writer else {
            throw StoreError.failed(path: location, reason: "it was opened read-only, for reading")
        }
        return try Self.translatingErrors(server, settings) {
            try writer.withLock { session in try body(session) }
        }
    }

    /// Runs `body` in one read-only REPEATABLE READ transaction on the reader connection.
    private func reading<T>(_ body: (Connection) throws -> T) throws -> T {
        try Self.translatingErrors(server, settings) {
            try reader.withLock { reader in
                let connection = try reader.connection()
                return try connection.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { try body(connection) }
            }
        }
    }

    private static func translatingErrors<T>(_ server: ServerLocation, _ settings: StoreSettings,
                                             _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as ServerFailure {
            throw server.error(for: failure, busyTimeout: settings.busyTimeout)
        } catch let error as DamagedData {
            throw StoreError.damaged(path: server.location, detail: server.clean(error.detail))
        } catch is DamagedColumn {
            throw StoreError.damaged(path: server.location, detail: "a column holds another type than cdntop's schema")
        }
    }
}
