import CDNTopCore
import Foundation
import GRDB

/// The local outbox: every probe the agent measured waits here, committed (and fsync'd by
/// SQLite) to a small file of its own, until a probe store confirms it holds it.
///
/// Why a file of its own, apart from the probe database: when the probe database is locked,
/// on a full disk, damaged, or (later) a PostgreSQL server away, the probes still have a
/// durable place to wait, and the next round — or the next run — delivers them. One outbox
/// serves several stores: each probe remembers its `destination`, and is only ever handed to
/// that store.
///
/// Every probe gets a `key` when it is queued, kept with it until delivered: a store that
/// records the key once and ignores it the second time makes a batch delivered twice (the
/// agent killed between the store's commit and the outbox's delete) stored once.
///
/// Bounded by count and age (`OutboxLimits`): what is dropped at the bound is counted and
/// returned, so the caller can say so; nothing disappears silently.
public final class Outbox: Sendable {
    /// The file, or nil for an outbox in memory (tests, the demo's throwaway database).
    public let path: String?
    public let limits: OutboxLimits
    private let queue: DatabaseQueue

    /// Opens the outbox at `path`, creating it and its directory when missing.
    public init(path: String, limits: OutboxLimits = .default) throws(OutboxError) {
        self.path = path
        self.limits = limits
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OutboxError(path: path, reason: "cannot create its directory \(directory.path): \(FileProblem.describe(error))")
        }
        queue = try Self.translating(path: path) { try Self.open(path: path) }
    }

    private init(memoryWith limits: OutboxLimits) throws {
        path = nil
        self.limits = limits
        queue = try Self.open(path: nil)
    }

    /// An outbox in memory: the same path for every round, durable only as long as the process.
    /// An in-memory SQLite database fails to open only when memory is exhausted, which, like
    /// any failed allocation, is fatal.
    public static func memory(limits: OutboxLimits = .default) -> Outbox {
        do {
            return try Outbox(memoryWith: limits)
        } catch {
            fatalError("cannot open an in-memory outbox: \(error)")
        }
    }

    /// Where the probes wait, for messages.
    public var location: String { path ?? "memory" }

    // MARK: Queueing and delivering

    /// Queues `probes` for `destination` in one transaction, then applies the bounds as of `now`.
    /// Returns how many queued probes (oldest first) the bounds dropped.
    @discardableResult
    public func enqueue(_ probes: [KeyedProbe], destination: String, now: Date = Date()) throws(OutboxError) -> Int {
        try access {
            try queue.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO queued (key, destination, queued_at, probe) VALUES (?, ?, ?, ?)
                    """)
                let encoder = JSONEncoder()
                for keyed in probes {
                    try statement.execute(arguments: [keyed.key, destination, Self.microseconds(now),
                                                      try encoder.encode(keyed.probe)])
                }
                return try Self.applyLimits(limits, now: now, in: db)
            }
        }
    }

    /// The oldest `limit` probes waiting for `destination`, oldest first.
    public func oldest(destination: String, limit: Int) throws(OutboxError) -> [QueuedProbe] {
        try access {
            try queue.read { db in
                let decoder = JSONDecoder()
                return try Row.fetchAll(db, sql: """
                    SELECT seq, key, probe FROM queued WHERE destination = ? ORDER BY seq LIMIT ?
                    """, arguments: [destination, limit]).map { row in
                    QueuedProbe(sequence: row[0],
                                keyed: KeyedProbe(key: row[1], probe: try decoder.decode(ProbeResult.self, from: row[2])))
                }
            }
        }
    }

    /// Forgets probes a store confirmed it holds.
    public func remove(_ delivered: [QueuedProbe]) throws(OutboxError) {
        guard !delivered.isEmpty else { return }
        try access {
            try queue.write { db in
                let statement = try db.cachedStatement(sql: "DELETE FROM queued WHERE seq = ?")
                for probe in delivered { try statement.execute(arguments: [probe.sequence]) }
            }
        }
    }

    /// Applies the bounds as of `now` without queueing anything (a run starting on an old
    /// outbox); returns how many probes they dropped.
    public func applyLimits(now: Date = Date()) throws(OutboxError) -> Int {
        try access { try queue.write { db in try Self.applyLimits(limits, now: now, in: db) } }
    }

    /// How many probes wait for `destination`.
    public func count(destination: String) throws(OutboxError) -> Int {
        try access {
            try queue.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM queued WHERE destination = ?", arguments: [destination]) ?? 0
            }
        }
    }

    // MARK: Schema

    /// One table: `seq` orders delivery (oldest first) and names a row to delete; `key` is the
    /// probe's delivery key the store deduplicates on; `probe` the whole result as JSON,
    /// headers included (the store keeps the latest per endpoint).
    private static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("outbox v1") { db in
            try db.execute(sql: """
                PRAGMA application_id = \(applicationID);
                CREATE TABLE queued (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,
                    destination TEXT NOT NULL,   -- the store it waits for
                    queued_at INTEGER NOT NULL,  -- µs since 1970 UTC
                    probe BLOB NOT NULL          -- the ProbeResult, JSON
                );
                CREATE INDEX queued_by_destination ON queued (destination, seq);
                """)
        }
        return migrator
    }()

    /// `PRAGMA application_id` of outbox files ("cdno").
    static let applicationID: Int32 = 0x6364_6E6F

    private static func open(path: String?) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "cdntop.outbox"
        // A commit returns once the rows are on disk: what is queued survives a kill -9 or a
        // power cut, which is the outbox's whole point.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let queue = try path.map { try DatabaseQueue(path: $0, configuration: configuration) }
            ?? DatabaseQueue(configuration: configuration)
        // Another program's file has objects of its own. A file with only the outbox's own
        // objects is one another cdntop process is creating this moment (seen under load with
        // the UI and an agent starting together), not a foreign one.
        try queue.read { db in
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let foreignObjects = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%'
                    AND name NOT IN ('queued', 'queued_by_destination')
                """) ?? 0
            if id != applicationID && foreignObjects > 0 { throw ForeignFile() }
        }
        try migrate(queue)
        return queue
    }

    /// Two processes creating one new outbox at once (the UI and an agent started together)
    /// both find it empty and both try to create its table; the one that loses sees "table
    /// already exists" once the winner commits. Migrating again then finds the winner's
    /// migration applied and has nothing to do.
    private static func migrate(_ queue: DatabaseQueue) throws {
        var attempt = 0
        while true {
            do {
                try migrator.migrate(queue)
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && attempt < 3 {
                attempt += 1
                if try queue.read({ db in try migrator.appliedIdentifiers(db).isEmpty }) { throw error }
            }
        }
    }

    private struct ForeignFile: Error {}

    private static func applyLimits(_ limits: OutboxLimits, now: Date, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM queued WHERE queued_at < ?",
                       arguments: [microseconds(now.addingTimeInterval(-limits.maxAge))])
        var dropped = db.changesCount
        try db.execute(sql: """
            DELETE FROM queued WHERE seq <= (SELECT seq FROM queued ORDER BY seq DESC LIMIT 1 OFFSET ?)
            """, arguments: [limits.maxProbes])
        dropped += db.changesCount
        return dropped
    }

    private static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    // MARK: Errors

    private func access<T>(_ body: () throws -> T) throws(OutboxError) -> T {
        try Self.translating(path: location, body)
    }

    private static func translating<T>(path: String, _ body: () throws -> T) throws(OutboxError) -> T {
        do {
            return try body()
        } catch is ForeignFile {
            throw OutboxError(path: path, reason: "it is an SQLite file that is not a cdntop outbox: pass --outbox with another path")
        } catch {
            throw OutboxError(path: path, reason: reason(error))
        }
    }

    /// A reason a person can act on: "disk full" rather than SQLite's "database or disk is full".
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL: return "disk full"
            case .SQLITE_BUSY, .SQLITE_LOCKED: return "locked by another process"
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return "not writable (\(error.message ?? "\(error.resultCode)"))"
            case .SQLITE_NOTADB: return "not an SQLite file: move it away"
            default: return error.message ?? "\(error.resultCode)"
            }
        }
        return FileProblem.describe(error)
    }
}

/// A probe with its delivery key, given once when it is measured and kept until a store holds
/// it: a store records the key to store the probe once however often it is delivered.
public struct KeyedProbe: Sendable {
    public var key: String
    public var probe: ProbeResult

    public init(key: String, probe: ProbeResult) {
        self.key = key
        self.probe = probe
    }

    /// The probe with a new key, unique for ever (a random UUID).
    public init(_ probe: ProbeResult) {
        self.init(key: UUID().uuidString, probe: probe)
    }
}

/// A probe waiting in the outbox.
public struct QueuedProbe: Sendable {
    /// Its place in the queue: delivery goes oldest first.
    public var sequence: Int64
    public var keyed: KeyedProbe
}

/// How much the outbox keeps while no store takes its probes: past either bound the oldest
/// probes are dropped, and the count says so.
public struct OutboxLimits: Sendable, Hashable {
    public var maxProbes: Int
    /// Seconds a probe may wait.
    public var maxAge: Double

    public init(maxProbes: Int, maxAge: Double) {
        self.maxProbes = maxProbes
        self.maxAge = maxAge
    }

    /// A million probes (a week of 100 endpoints probed each minute; a few hundred MB at most)
    /// for up to 7 days: an outage over a long weekend is delivered whole.
    public static let `default` = OutboxLimits(maxProbes: 1_000_000, maxAge: 7 * 86_400)
}

/// The outbox could not be opened, read or written.
public struct OutboxError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String

    public var description: String { "the outbox \(path) failed: \(reason)" }
}
