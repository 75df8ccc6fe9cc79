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
        let chronological = zip(ids, round).map { (key: $0, probe: $1) }
            .enumerated().sorted { ($0.element.probe.timestamp, $0.offset) < ($1.element.probe.timestamp, $1.offset) }
            .map(\.element)
        for (key, event) in EventDetector.events(in: chronological, states: &states) {
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
        events += try flipRuns(since: since, until: until, endpoints: endpoints, vantageLabel: vantageLabel, in: db)
        // Newest first; ties in a fixed order, so a refresh never reshuffles the log.
        let ordered = events.sorted {
            ($1.time, $0.endpoint, $0.kind.rawValue, $0.vantage) < ($0.time, $1.endpoint, $1.kind.rawValue, $1.vantage)
        }
        return EventLog(events: ordered, omitted: max(0, total - limit),
                        failing: try failing(since: since, until: until, endpoints: endpoints,
                                             vantageLabel: vantageLabel, in: db))
    }

    /// One folded cache-flip event per endpoint name with flips in the window: dated by the
    /// newest flip, naming the first, with the verdicts and vantages in the order first seen.
    private static func flipRuns(since: Int64, until: Int64, endpoints: [Int64: StoredEndpoint],
                                 vantageLabel: (Int64) throws -> String, in db: Database) throws -> [ProbeEvent] {
        let statement = try db.cachedStatement(sql: """
            SELECT vantage_id, cache_before, cache, count(*), min(ts), max(ts) FROM event INDEXED BY event_flips
            WHERE endpoint_id = ? AND kind = ? AND ts >= ? AND ts < ?
            GROUP BY vantage_id, cache_before, cache
            """)
        /// The flips of one vantage between two verdicts.
        struct Group {
            var flip: ProbeEvent
            var count: Int
            var last: Date
        }
        var groups: [String: [Group]] = [:]
        for (id, endpoint) in endpoints {
            for row in try Row.fetchAll(statement, arguments: [id, ProbeEvent.Kind.cacheFlip.rawValue, since, until]) {
                let flip = ProbeEvent(time: StoredTime.date(microseconds: row[4]), endpoint: endpoint.name,
                                      vantages: [try vantageLabel(row[0])], kind: .cacheFlip,
                                      cacheBefore: try CacheStatus.decode(storedCode: row[1]),
                                      cache: try CacheStatus.decode(storedCode: row[2]))
                groups[endpoint.name, default: []].append(Group(flip: flip, count: row[3],
                                                                last: StoredTime.date(microseconds: row[5])))
            }
        }
        return groups.values.compactMap { found in
            let ordered = found.sorted { $0.flip.time < $1.flip.time }
            guard var event = ordered.first?.flip else { return nil }
            event.count = ordered.reduce(0) { $0 + $1.count }
            event.firstTime = event.count > 1 ? event.time : nil
            event.time = ordered.map(\.last).max() ?? event.time
            event.statuses = ordered.flatMap(\.flip.statuses).uniquedInOrder()
            event.vantages = ordered.flatMap(\.flip.vantages).uniquedInOrder()
            return event
        }
    }

    /// The newest probe's state of each (endpoint name, vantage) heard from in the window, where it failed.
    private static func failing(since: Int64, until: Int64, endpoints: [Int64: StoredEndpoint],
                                vantageLabel: (Int64) throws -> String, in db: Database) throws -> [FailingVantage] {
        let list = endpoints.keys.map(String.init).joined(separator: ",")
        var newest: [String: (ts: Int64, failing: FailingVantage?)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT endpoint_id, vantage_id, ts, error, failing_since FROM probe_state
            WHERE endpoint_id IN (\(list)) AND ts >= ? AND ts < ?
            """, arguments: [since, until]) {
            guard let endpoint = endpoints[row[0]] else { continue }
            let vantage = try vantageLabel(row[1])
            let ts: Int64 = row[2]
            let key = endpoint.name + "\u{0}" + vantage
            if let kept = newest[key], kept.ts >= ts { continue }
            let error = try ProbeErrorClass.decode(storedCode: row[3])
            let start: Int64? = row[4]
            newest[key] = (ts, error.flatMap { error in
                start.map { FailingVantage(endpoint: endpoint.name, vantage: vantage, since: StoredTime.date(microseconds: $0),
                                           latest: StoredTime.date(microseconds: ts), error: error) }
            })
        }
        return newest.values.compactMap(\.failing).sorted { ($0.endpoint, $0.vantage) < ($1.endpoint, $1.vantage) }
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

extension Array where Element: Hashable {
    /// The elements in the order first seen, each once.
    fileprivate func uniquedInOrder() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
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
}
