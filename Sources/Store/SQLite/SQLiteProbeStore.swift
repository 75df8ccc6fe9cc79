import CDNTopCore
import Foundation
import GRDB

/// The probe database in one SQLite file, the embedded default: raw probes for export, rollups
/// for every window the UI and reports show, the events found as rounds are recorded, the
/// latest headers per endpoint, and the agents that wrote them.
///
/// Several processes share one file (the agent writes while the UI and `cdntop export` read),
/// so it runs in WAL mode, where readers never block the writer nor each other, and writes
/// wait up to `StoreSettings.busyTimeout` for another writer instead of failing at once.
/// Each round is one transaction: a process killed between rounds loses nothing, and one killed
/// during a round loses only that round, never half of it. (GRDB runs WAL with
/// `synchronous = NORMAL`: a power cut, unlike a killed process, may lose the last rounds,
/// but never corrupts the file.)
public final class SQLiteProbeStore: ProbeStore {
    public let path: String
    public var location: String { path }
    public let settings: StoreSettings
    /// A pool for writers; one read-only connection for readers (`openReadOnly`).
    private let pool: any DatabaseWriter

    /// Opens the database at `path`, creating it and its parent directories when missing and
    /// migrating it to the current schema.
    public init(path: String, settings: StoreSettings = .default) throws {
        self.path = path
        self.settings = settings
        try Self.createParentDirectory(of: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(settings.busyTimeout)
        configuration.label = "cdntop.store"
        pool = try Self.translatingErrors(path: path, settings: settings) {
            try Schema.openPool(path: path, configuration: configuration, busyTimeout: settings.busyTimeout)
        }
    }

    /// Opens an existing database for readers (`export`, `report`, the read-only UI), which
    /// never create, migrate or convert a file: SQLite opens it read-only, so a wrong path
    /// leaves nothing behind and a 0-byte file stays 0 bytes. A database on read-only media
    /// (a read-only mount, a file the reader may not write) is read as it is: when SQLite
    /// cannot set up the WAL index beside it, the file is opened immutable, which is right
    /// there because nothing can be writing it.
    public static func openReadOnly(path: String, settings: StoreSettings = .default) throws -> SQLiteProbeStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError.missing(path: path)
        }
        guard !isDirectory.boolValue else {
            throw StoreError.cannotOpen(path: path, reason: "it is a directory")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { throw StoreError.empty(path: path) }
        let reader = try translatingErrors(path: path, settings: settings) {
            try Schema.openReadOnly(path: path, busyTimeout: settings.busyTimeout)
        }
        return SQLiteProbeStore(path: path, settings: settings, reader: reader)
    }

    private init(path: String, settings: StoreSettings, reader: DatabaseQueue) {
        self.path = path
        self.settings = settings
        pool = reader
    }

    // MARK: Writing

    /// Stores one round of probes, folds it into the rollups and records the transitions it
    /// makes (`EventRows`), in one transaction. GRDB opens write transactions IMMEDIATE: the
    /// write lock is taken before anything is read, so the previous state each transition is
    /// judged against is the one another process's round left, never a stale one.
    ///
    /// `deliveryKeys`, one per probe, make the write idempotent: a probe whose key is already
    /// stored is skipped (rollups and events included), so a batch the outbox delivers twice
    /// — the agent killed between this commit and the outbox's delete — is stored once.
    public func record(_ probes: [ProbeResult], deliveryKeys: [String]?) throws {
        guard !probes.isEmpty else { return }
        precondition(deliveryKeys == nil || deliveryKeys?.count == probes.count, "one delivery key per probe")
        try access {
            try pool.write { db in
                var round = probes
                var keys: [String?] = deliveryKeys ?? Array(repeating: nil, count: probes.count)
                if deliveryKeys != nil {
                    let fresh = try ProbeRows.unrecorded(keys.compactMap { $0 }, in: db)
                    let kept = keys.indices.filter { keys[$0].map(fresh.contains) ?? true }
                    round = kept.map { probes[$0] }
                    keys = kept.map { keys[$0] }
                    guard !round.isEmpty else { return }
                }
                let ids = try Dictionaries.ids(for: round, in: db)
                let agents = try Dictionaries.agentIDs(for: round, in: db)
                try ProbeRows.insert(round, ids: ids, agents: agents, deliveryKeys: keys, in: db)
                try Rollups.add(round, ids: ids, in: db)
                try LatestHeaders.update(round, ids: ids, in: db)
                try EventRows.record(round, ids: ids, in: db)
            }
        }
    }

    /// Keeps the agent's newest status (one row per agent, rewritten), so readers can show its
    /// backlog and tell when it went quiet.
    public func report(_ status: AgentStatus) throws {
        try access {
            try pool.write { db in try AgentRows.report(status, in: db) }
        }
    }

    /// Deletes raw probes, events and rollups older than their retention as of `now`. Cheap when
    /// called after every round: each call deletes only what aged out since the last one.
    /// A large backlog is deleted in short transactions that let other writers in between.
    public func prune(now: Date) throws {
        try access {
            try pool.write { db in try Retention.advanceHorizons(now: now, settings: settings, in: db) }
            while try pool.write({ db in try Retention.deleteStep(now: now, settings: settings, in: db) }) {}
        }
    }

    // MARK: Reading

    /// Calls `body` with every probe in `[since, until)` (open-ended when nil), oldest first,
    /// reading one row at a time so an export of millions of probes runs in constant memory.
    /// Probes come back as recorded, to the microsecond, except that `headers` is empty and
    /// `isOrigin` is the endpoint's current flag (see `endpoints()`), not necessarily the one
    /// it had when the probe was sent: the flag is kept per endpoint, not per probe.
    /// The rows are read in one transaction: `body` sees a consistent snapshot while the agent
    /// keeps writing. `body` must not call back into this store (GRDB accesses do not nest).
    public func forEachProbe(since: Date?, until: Date?, _ body: (ProbeResult) throws -> Void) throws {
        try access {
            try pool.read { db in
                try ProbeRows.forEach(since: since.map(StoredTime.microseconds) ?? .min,
                                      until: until.map(StoredTime.microseconds) ?? .max,
                                      in: db, body)
            }
        }
    }

    /// The events of `site` (every site when nil) in `[since, until)`, read from the transitions
    /// found when each round was recorded: at most `limit` failures, recoveries and status
    /// changes (with the count left out), one folded line per endpoint for its cache flips,
    /// and the vantages failing as of their newest probe in the window. See `EventRows.log`.
    public func events(since: Date, until: Date, site: String?, limit: Int) throws -> EventLog {
        try access {
            try pool.read { db in
                try EventRows.log(since: StoredTime.microseconds(since), until: StoredTime.microseconds(until),
                                  site: site, limit: limit, in: db)
            }
        }
    }

    /// The newest `limit` failed probes of an endpoint (of `site`, when given: names repeat
    /// across sites), newest first, whatever the window: the detail view's recent errors.
    /// An indexed walk over failed probes only, never a scan of the probe table.
    public func recentFailures(endpoint: String, site: String?, limit: Int) throws -> [ProbeResult] {
        try access {
            try pool.read { db in
                let ids = try Dictionaries.endpoints(in: db).filter {
                    $0.value.name == endpoint && (site == nil || $0.value.site == site)
                }.keys
                return try ProbeRows.newestFailures(of: Array(ids), limit: limit, in: db)
            }
        }
    }

    /// A number that grows with every probe written by any process: a poller re-reads the
    /// windows only when it changed (pruning alone does not change it).
    public func changeMarker() throws -> Int64 {
        try access {
            try pool.read { db in try ProbeRows.newestID(in: db) }
        }
    }

    /// The newest response headers and trailers recorded for an endpoint (of `site`, when
    /// given) from a vantage point (any, when nil), empty when none were recorded.
    public func lastHeaders(endpoint: String, site: String?, vantage: String?) throws -> ResponseHeaderLines {
        try access {
            try pool.read { db in try LatestHeaders.fetch(endpoint: endpoint, site: site, vantage: vantage, in: db) }
        }
    }

    /// The newest probe of each endpoint of `site`, however long ago it was sent: found through
    /// the catalog's newest-probe time, so an endpoint probed hourly is not lost among
    /// thousands of newer probes of faster endpoints.
    public func newestProbes(site: String) throws -> [ProbeResult] {
        try access {
            try pool.read { db in try ProbeRows.newestPerEndpoint(site: site, in: db) }
        }
    }

    /// Every endpoint ever recorded, one per (name, site), sorted by site, then name, so a
    /// report can group and label its figures without the config. Endpoints that left the
    /// config or whose probes were pruned stay listed: filter by the window's cells.
    ///
    /// When an endpoint's URL was edited, its entry with the newest probe is returned (on a
    /// tie, the one recorded last); `isOrigin` is the flag its newest probe carried. Newest by
    /// probe time, not by write: a late write of an older round does not undo a config edit.
    public func endpoints() throws -> [StoredEndpoint] {
        try access {
            try pool.read { db in try Dictionaries.catalog(in: db) }
        }
    }

    /// Every agent recorded here, by id, with its newest probe time and last status.
    public func agents() throws -> [AgentActivity] {
        try access {
            try pool.read { db in try AgentRows.all(in: db) }
        }
    }

    /// Aggregates per endpoint, vantage and POP region over `[since, until)`, from rollups
    /// only. The result's `since` and `until` say the window actually covered: see `WindowPlan`.
    /// `site` keeps only that site's endpoints: endpoint names are unique within a config,
    /// not across sites, and two sites' "origin" endpoints must not merge.
    public func windowAggregates(since: Date, until: Date, site: String?) throws -> WindowAggregates {
        try access {
            try pool.read { db in try WindowQueries.aggregates(since: since, until: until, site: site, in: db) }
        }
    }

    /// Per endpoint, one aggregate per `span` bucket in `[since, until)` (widened to whole
    /// buckets), for sparklines; all vantage points together unless `vantage` names one.
    public func timeSeries(since: Date, until: Date, span: RollupSpan,
                           vantage: String?, site: String?) throws -> TimeSeries {
        try access {
            try pool.read { db in
                try WindowQueries.series(since: since, until: until, span: span, vantage: vantage, site: site, in: db)
            }
        }
    }

    // MARK: Errors

    /// Runs a database access, turning SQLite and decoding failures into `StoreError`s that
    /// name this file.
    private func access<T>(_ body: () throws -> T) throws -> T {
        try Self.translatingErrors(path: path, settings: settings, body)
    }

    private static func translatingErrors<T>(path: String, settings: StoreSettings,
                                             _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                throw StoreError.notSQLite(path: path)
            case .SQLITE_FULL:
                throw StoreError.diskFull(path: path)
            case .SQLITE_IOERR where DiskSpace.isExhausted(besides: path):
                // A write that failed for want of space can surface as an I/O error (the WAL
                // index, a journal): say what the person can fix.
                throw StoreError.diskFull(path: path)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                throw StoreError.busy(path: path, timeout: settings.busyTimeout)
            case .SQLITE_CORRUPT:
                throw StoreError.damaged(path: path, detail: error.message ?? "SQLite reports corruption")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
                throw StoreError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
            default:
                throw StoreError.failed(path: path, reason: error.message ?? "\(error.resultCode)")
            }
        } catch let error as DamagedData {
            throw StoreError.damaged(path: path, detail: error.detail)
        }
    }

    private enum DiskSpace {
        /// True when the file system holding `path` has no block left for an unprivileged
        /// writer (or, as root, none at all).
        static func isExhausted(besides path: String) -> Bool {
            var stats = statvfs()
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard statvfs(directory, &stats) == 0 else { return false }
            return stats.f_bfree == 0 || (getuid() != 0 && stats.f_bavail == 0)
        }
    }

    private static func createParentDirectory(of path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotCreateDirectory(path: path, reason: FileProblem.describe(error))
        }
    }
}

// MARK: Real traffic

extension SQLiteProbeStore: TrafficStore {
    /// Merges the minutes into their minute, hour and day rows and moves the log's position,
    /// in one transaction: a crash leaves both as they were, so nothing is counted twice.
    public func recordTraffic(_ minutes: [TrafficMinute], position: LogPosition?) throws {
        guard !minutes.isEmpty || position != nil else { return }
        try access {
            try pool.write { db in
                try TrafficRows.add(minutes, in: db)
                if let position { try TrafficRows.setPosition(position, in: db) }
            }
        }
    }

    public func logPosition(source: String) throws -> LogPosition? {
        try access {
            try pool.read { db in try TrafficRows.position(source: source, in: db) }
        }
    }

    /// Per (site, provider), `[since, until)` merged from the coarsest rows that fit
    /// (`WindowPlan`, as for probes); each aggregate's `minute` is the covered window's start.
    public func trafficWindow(since: Date, until: Date, site: String?) throws -> [TrafficMinute] {
        try access {
            try pool.read { db in
                let plan = WindowPlan(since: since, until: until, horizons: try RetentionHorizons(db))
                var cells: [TrafficCellKey: TrafficMinute] = [:]
                for piece in plan.pieces {
                    try TrafficRows.fold(span: piece.span, from: piece.from, to: piece.to, site: site, in: db,
                                         into: &cells) { _ in plan.since }
                }
                return TrafficAssembly.sorted(cells)
            }
        }
    }

    /// Per (site, provider), one aggregate per `span` bucket in `[since, until)` widened to
    /// whole buckets, oldest first; buckets without traffic are absent.
    public func trafficSeries(since: Date, until: Date, span: RollupSpan, site: String?) throws -> [TrafficMinute] {
        try access {
            try pool.read { db in
                var cells: [TrafficCellKey: TrafficMinute] = [:]
                let buckets = TrafficAssembly.seriesBuckets(since: since, until: until, span: span)
                try TrafficRows.fold(span: span, from: buckets.from, to: buckets.to, site: site, in: db,
                                     into: &cells) { $0 }
                return TrafficAssembly.sorted(cells)
            }
        }
    }
}
