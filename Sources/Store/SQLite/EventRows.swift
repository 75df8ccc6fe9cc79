import CDNTopCore
import Foundation
import GRDB

/// The `event` and `probe_state` tables: transitions found as rounds are recorded, so the
/// events log of any window is an indexed read instead of a walk through raw probes.
///
/// `probe_state` keeps, per (endpoint entry, vantage), what `EventDetector` needs of the newest
/// probe. `record` reads it inside the round's write transaction, which `ProbeStore` opens
/// IMMEDIATE: two processes recording rounds of the same pair at once take turns, and the
/// second judges its probes against the first one's, never against a state read before it.
/// An endpoint whose URL is edited gets a new entry and starts a new state: its first probe
/// is a baseline again.
enum EventRows {
    // MARK: Writing

    /// Finds the round's transitions against the stored states, writes them, and moves the states.
    static func record(_ round: [ProbeResult], ids: [DictionaryIDs], in db: Database) throws {
        var states = try self.states(of: Set(ids), in: db)
        for (key, event) in RoundTransitions.events(of: round, ids: ids, states: &states) {
            try insert(event, ids: key, in: db)
        }
        try save(states, in: db)
    }

    /// Fills both tables from the raw probes already stored: the migration that adds them runs
    /// this, so a database recorded by an older cdntop shows the same events as a new one.
    static func backfill(in db: Database) throws {
        var states: [DictionaryIDs: ProbeState] = [:]
        try ProbeRows.forEachWithIDs(since: .min, until: .max, in: db) { ids, probe in
            for (key, event) in EventDetector.events(in: [(ids, probe)], states: &states) {
                try insert(event, ids: key, in: db)
            }
        }
        try save(states, in: db)
    }

    private static func states(of keys: Set<DictionaryIDs>, in db: Database) throws -> [DictionaryIDs: ProbeState] {
        let statement = try db.cachedStatement(sql: """
            SELECT ts, error, status, cache, failing_since FROM probe_state WHERE endpoint_id = ? AND vantage_id = ?
            """)
        var states: [DictionaryIDs: ProbeState] = [:]
        for key in keys {
            guard let row = try Row.fetchOne(statement, arguments: [key.endpoint, key.vantage]) else { continue }
            states[key] = ProbeState(time: StoredTime.date(microseconds: row[0]),
                                     error: try ProbeErrorClass.decode(storedCode: row[1]), status: row[2],
                                     cache: try CacheStatus.decode(storedCode: row[3]),
                                     failingSince: (row[4] as Int64?).map(StoredTime.date(microseconds:)))
        }
        return states
    }

    private static func save(_ states: [DictionaryIDs: ProbeState], in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO probe_state (endpoint_id, vantage_id, ts, error, status, cache, failing_since)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (endpoint_id, vantage_id) DO UPDATE SET ts = excluded.ts, error = excluded.error,
                status = excluded.status, cache = excluded.cache, failing_since = excluded.failing_since
            """)
        for (key, state) in states {
            try statement.execute(arguments: [
                key.endpoint, key.vantage, StoredTime.microseconds(state.time), state.error?.storedCode,
                state.status, state.cache?.storedCode, state.failingSince.map(StoredTime.microseconds),
            ])
        }
    }

    private static func insert(_ event: ProbeEvent, ids: DictionaryIDs, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO event (ts, endpoint_id, vantage_id, kind, error, detail, status_before, status,
                               cache_before, cache)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                StoredTime.microseconds(event.time), ids.endpoint, ids.vantage, event.kind.rawValue,
                event.error?.storedCode, event.detail, event.statusBefore, event.status,
                event.cacheBefore?.storedCode, event.cache?.storedCode,
            ])
    }

    // MARK: Reading

    /// The events of `site`'s endpoints (every site when nil) in `[since, until)` (µs).
    ///
    /// Failures, recoveries and status changes are few: the newest `limit` come back one by
    /// one, with the number left out. Cache flips can come with every other probe: per
    /// endpoint they are one line counting every flip of the window, dated by the newest and
    /// naming the first. That count is an index-only range read of the window's flips (the
    /// covering index `event_flips`), the one read here that grows with the window.
    static func log(since: Int64, until: Int64, site: String?, limit: Int, in db: Database) throws -> EventLog {
        let endpoints = try Dictionaries.endpoints(in: db).filter { site == nil || $0.value.site == site }
        let vantages = try Dictionaries.vantages(in: db)
        func vantageLabel(_ id: Int64) throws -> String {
            guard let vantage = vantages[id] else { throw DamagedData("an event refers to a missing vantage") }
            return vantage.label
        }
        let ids = endpoints.keys.sorted()
        guard !ids.isEmpty else { return EventLog(events: [], omitted: 0, failing: []) }
        let list = ids.map(String.init).joined(separator: ",")

        var events: [ProbeEvent] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT ts, endpoint_id, vantage_id, kind, error, detail, status_before, status, cache_before, cache
            FROM event INDEXED BY event_by_time
            WHERE ts >= ? AND ts < ? AND kind != ? AND endpoint_id IN (\(list))
            ORDER BY ts DESC, id DESC LIMIT ?
            """, arguments: [since, until, ProbeEvent.Kind.cacheFlip.rawValue, limit]) {
            guard let endpoint = endpoints[row[1]], let kind = ProbeEvent.Kind(rawValue: row[3]) else {
                throw DamagedData("an event refers to a missing endpoint or an unknown kind")
            }
            events.append(ProbeEvent(time: StoredTime.date(microseconds: row[0]), endpoint: endpoint.name,
                                     vantages: [try vantageLabel(row[2])], kind: kind,
                                     error: try ProbeErrorClass.decode(storedCode: row[4]), detail: row[5],
                                     statusBefore: row[6], status: row[7],
                                     cacheBefore: try CacheStatus.decode(storedCode: row[8]),
                                     cache: try CacheStatus.decode(storedCode: row[9])))
        }
        let total = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM event INDEXED BY event_by_time
            WHERE ts >= ? AND ts < ? AND kind != ? AND endpoint_id IN (\(list))
            """, arguments: [since, until, ProbeEvent.Kind.cacheFlip.rawValue]) ?? 0
        return EventLogAssembly.log(
            events: events, total: total, limit: limit,
            flips: try flipGroups(since: since, until: until, endpoints: endpoints, vantageLabel: vantageLabel, in: db),
            states: try states(since: since, until: until, endpoints: endpoints, vantageLabel: vantageLabel, in: db))
    }

    /// The window's cache flips per endpoint entry, vantage and pair of verdicts.
    private static func flipGroups(since: Int64, until: Int64, endpoints: [Int64: StoredEndpoint],
                                   vantageLabel: (Int64) throws -> String, in db: Database) throws -> [FlipGroup] {
        let statement = try db.cachedStatement(sql: """
            SELECT vantage_id, cache_before, cache, count(*), min(ts), max(ts) FROM event INDEXED BY event_flips
            WHERE endpoint_id = ? AND kind = ? AND ts >= ? AND ts < ?
            GROUP BY vantage_id, cache_before, cache
            """)
        var groups: [FlipGroup] = []
        for (id, endpoint) in endpoints {
            for row in try Row.fetchAll(statement, arguments: [id, ProbeEvent.Kind.cacheFlip.rawValue, since, until]) {
                groups.append(FlipGroup(endpoint: endpoint.name, vantage: try vantageLabel(row[0]),
                                        cacheBefore: try CacheStatus.decode(storedCode: row[1]),
                                        cache: try CacheStatus.decode(storedCode: row[2]), count: row[3],
                                        first: StoredTime.date(microseconds: row[4]),
                                        last: StoredTime.date(microseconds: row[5])))
            }
        }
        return groups
    }

    /// The state of each (endpoint entry, vantage) whose newest probe is in the window.
    private static func states(since: Int64, until: Int64, endpoints: [Int64: StoredEndpoint],
                               vantageLabel: (Int64) throws -> String, in db: Database) throws -> [NewestState] {
        let list = endpoints.keys.map(String.init).joined(separator: ",")
        return try Row.fetchAll(db, sql: """
            SELECT endpoint_id, vantage_id, ts, error, failing_since FROM probe_state
            WHERE endpoint_id IN (\(list)) AND ts >= ? AND ts < ?
            """, arguments: [since, until]).compactMap { row in
            guard let endpoint = endpoints[row[0]] else { return nil }
            return NewestState(endpoint: endpoint.name, vantage: try vantageLabel(row[1]),
                               time: StoredTime.date(microseconds: row[2]),
                               error: try ProbeErrorClass.decode(storedCode: row[3]),
                               failingSince: (row[4] as Int64?).map(StoredTime.date(microseconds:)))
        }
    }

    // MARK: Retention

    /// Deletes up to `limit` events older than `microseconds`; true when it hit the limit.
    static func delete(before microseconds: Int64, limit: Int, in db: Database) throws -> Bool {
        try db.execute(sql: """
            DELETE FROM event WHERE id IN (SELECT id FROM event WHERE ts < ? LIMIT ?)
            """, arguments: [microseconds, limit])
        return db.changesCount == limit
    }
}

/// The events of a window as the store reads them.
public struct EventLog: Sendable, Hashable {
    /// Newest first: the newest failures, recoveries and status changes, and per endpoint one
    /// folded line of its cache flips.
    public var events: [ProbeEvent]
    /// Failures, recoveries and status changes of the window beyond the limit asked for.
    public var omitted: Int
    /// The vantages whose newest probe in the window failed, with their failure runs.
    public var failing: [FailingVantage]

    package init(events: [ProbeEvent], omitted: Int, failing: [FailingVantage]) {
        self.events = events
        self.omitted = omitted
        self.failing = failing
    }
}
