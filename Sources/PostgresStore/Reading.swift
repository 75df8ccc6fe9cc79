import CDNTopCore
import Foundation
import Store

/// Everything readers ask of the PostgreSQL probe database. Each call runs in one read-only
/// REPEATABLE READ transaction (`PostgresProbeStore`), so it sees one consistent snapshot
/// while agents keep writing. Text is ordered with `COLLATE "C"` (bytes, as SQLite orders),
/// whatever the database's collation.
enum Reading {
    // MARK: Dictionaries

    /// Every endpoint entry by id, with the flag of its newest probe.
    static func endpoints(_ connection: Connection) throws -> [Int64: StoredEndpoint] {
        let rows = try connection.query("""
            SELECT e.id, e.name, e.site, e.url, coalesce((
                SELECT s.is_origin FROM probe_state s WHERE s.endpoint_id = e.id AND s.ts IS NOT NULL
                ORDER BY s.ts DESC LIMIT 1), false)
            FROM endpoint e
            """)
        var entries: [Int64: StoredEndpoint] = [:]
        for row in 0..<rows.count {
            guard let id: Int64 = try rows.int(row, 0), let name = rows.string(row, 1), let site = rows.string(row, 2),
                  let url = rows.string(row, 3) else { continue }
            entries[id] = StoredEndpoint(name: name, site: site, url: url, isOrigin: try rows.bool(row, 4) ?? false)
        }
        return entries
    }

    static func vantages(_ connection: Connection) throws -> [Int64: Vantage] {
        let rows = try connection.query("SELECT id, label, continent FROM vantage")
        var entries: [Int64: Vantage] = [:]
        for row in 0..<rows.count {
            guard let id: Int64 = try rows.int(row, 0), let label = rows.string(row, 1),
                  let code: Int = try rows.int(row, 2) else { continue }
            entries[id] = Vantage(label: label, continent: try Continent.decode(keyCode: code))
        }
        return entries
    }

    static func agentNames(_ connection: Connection) throws -> [Int64: String] {
        let rows = try connection.query("SELECT id, name FROM agent")
        var names: [Int64: String] = [:]
        for row in 0..<rows.count {
            if let id: Int64 = try rows.int(row, 0), let name = rows.string(row, 1) { names[id] = name }
        }
        return names
    }

    /// The current entry of each (name, site): the one with the newest probe, the one added
    /// last on a tie; sorted by site, then name.
    static func catalog(_ connection: Connection) throws -> [StoredEndpoint] {
        let rows = try connection.query("""
            SELECT DISTINCT ON (e.site COLLATE "C", e.name COLLATE "C") e.name, e.site, e.url, coalesce(s.is_origin, false)
            FROM endpoint e LEFT JOIN LATERAL (
                SELECT ts, is_origin FROM probe_state WHERE endpoint_id = e.id AND ts IS NOT NULL
                ORDER BY ts DESC LIMIT 1) s ON true
            ORDER BY e.site COLLATE "C", e.name COLLATE "C", s.ts DESC NULLS LAST, e.id DESC
            """)
        return try (0..<rows.count).map { row in
            StoredEndpoint(name: rows.string(row, 0) ?? "", site: rows.string(row, 1) ?? "",
                           url: rows.string(row, 2) ?? "", isOrigin: try rows.bool(row, 3) ?? false)
        }
    }

    // MARK: Probes

    /// What probe rows refer to, read once per query.
    struct ProbeNames {
        let endpoints: [Int64: StoredEndpoint]
        let vantages: [Int64: Vantage]
        let agents: [Int64: String]

        init(_ connection: Connection) throws {
            endpoints = try Reading.endpoints(connection)
            vantages = try Reading.vantages(connection)
            agents = try Reading.agentNames(connection)
        }

        /// Row `row` of a result selecting `ProbeColumns.written`, from column 0.
        func probe(_ rows: Rows, _ row: Int) throws -> ProbeResult {
            guard let ts: Int64 = try rows.int(row, 0), let endpointID: Int64 = try rows.int(row, 1),
                  let vantageID: Int64 = try rows.int(row, 2),
                  let endpoint = endpoints[endpointID], let vantage = vantages[vantageID] else {
                throw DamagedData("probe refers to a missing endpoint or vantage")
            }
            let agent = try (try rows.int(row, 3) as Int64?).map { id throws(DamagedData) -> String in
                guard let name = agents[id] else { throw DamagedData("probe refers to a missing agent") }
                return name
            }
            func phase(_ column: Int) throws -> Int64 { try rows.int(row, column) ?? 0 }
            return ProbeResult(
                timestamp: StoredTime.date(microseconds: ts),
                endpoint: endpoint.name, site: endpoint.site, url: endpoint.url, vantage: vantage,
                agent: agent, isOrigin: endpoint.isOrigin,
                provider: try Provider.decode(storedCode: try rows.int(row, 4)), ok: try rows.bool(row, 5) ?? false,
                status: try rows.int(row, 6), httpVersion: rows.string(row, 7),
                cache: try CacheStatus.decode(storedCode: try rows.int(row, 8)), cacheRaw: rows.string(row, 9),
                pop: rows.string(row, 10), popRegion: try Continent.decode(storedCode: try rows.int(row, 11)),
                age: try rows.int(row, 12),
                timings: PhaseTimings(dns: try phase(13), connect: try phase(14), tls: try phase(15),
                                      ttfb: try phase(16), transfer: try phase(17), total: try phase(18)),
                bytes: try phase(19), redirects: try rows.int(row, 20) ?? 0, remoteIP: rows.string(row, 21),
                error: try ProbeErrorClass.decode(storedCode: try rows.int(row, 22)), errorDetail: rows.string(row, 23))
        }
    }

    /// Every probe in `[since, until)` (µs), oldest first, through a cursor: a few thousand
    /// rows in memory at a time, however many the window holds. Runs inside a transaction.
    static func forEachProbe(since: Int64, until: Int64, _ connection: Connection,
                             _ body: (ProbeResult) throws -> Void) throws {
        let names = try ProbeNames(connection)
        try connection.execute("""
            DECLARE probes NO SCROLL CURSOR FOR SELECT \(ProbeColumns.written) FROM probe
            WHERE ts >= \(since) AND ts < \(until) ORDER BY ts, id
            """)
        while true {
            let rows = try connection.query("FETCH 5000 FROM probes")
            for row in 0..<rows.count { try body(try names.probe(rows, row)) }
            if rows.count < 5000 { break }
        }
        try connection.execute("CLOSE probes")
    }

    /// The newest `limit` failed probes of the entries of `endpoint` (of `site`), newest first.
    static func recentFailures(endpoint: String, site: String?, limit: Int, _ connection: Connection) throws -> [ProbeResult] {
        let names = try ProbeNames(connection)
        let ids = names.endpoints.filter { $0.value.name == endpoint && (site == nil || $0.value.site == site) }.keys
        guard !ids.isEmpty else { return [] }
        let rows = try connection.query("""
            SELECT \(ProbeColumns.written) FROM probe
            WHERE endpoint_id = ANY($1::int8[]) AND error IS NOT NULL ORDER BY ts DESC, id DESC LIMIT $2
            """, [.int8Array(ids.sorted()), .int8(Int64(limit))])
        return try (0..<rows.count).map { try names.probe(rows, $0) }
    }

    /// The newest probe of each endpoint name of `site`, one indexed lookup per entry.
    static func newestProbes(site: String, _ connection: Connection) throws -> [ProbeResult] {
        let names = try ProbeNames(connection)
        let entries = try connection.query("""
            SELECT e.id, max(s.ts) FROM endpoint e JOIN probe_state s ON s.endpoint_id = e.id
            WHERE e.site = $1 AND s.ts IS NOT NULL GROUP BY e.id
            """, [.text(site)])
        var newest: [String: ProbeResult] = [:]
        for entry in 0..<entries.count {
            guard let id: Int64 = try entries.int(entry, 0), let last: Int64 = try entries.int(entry, 1) else { continue }
            let rows = try connection.query("""
                SELECT \(ProbeColumns.written) FROM probe WHERE ts = $1 AND endpoint_id = $2 ORDER BY id DESC LIMIT 1
                """, [.int8(last), .int8(id)])
            guard rows.count == 1 else { continue }
            let probe = try names.probe(rows, 0)
            if let kept = newest[probe.endpoint], kept.timestamp >= probe.timestamp { continue }
            newest[probe.endpoint] = probe
        }
        return newest.values.sorted { $0.endpoint < $1.endpoint }
    }

    static func changeMarker(_ connection: Connection) throws -> Int64 {
        try connection.query("SELECT coalesce(sum(probes), 0)::int8 FROM write_count").int(0, 0) ?? 0
    }

    // MARK: Rollups

    static func horizons(_ connection: Connection) throws -> RetentionHorizons {
        let rows = try connection.query("SELECT span, oldest_bucket FROM retention_horizon")
        var oldest: [RollupSpan: Int64] = [:]
        for row in 0..<rows.count {
            if let span = (try rows.int(row, 0) as Int64?).flatMap(RollupSpan.init(rawValue:)) {
                oldest[span] = try rows.int(row, 1)
            }
        }
        return RetentionHorizons(oldestBuckets: oldest)
    }

    /// Folds the rollup rows of `span` with buckets in `[from, to)` into `cells` by `group`.
    static func accumulate<Group: Hashable>(span: RollupSpan, from: Int64, to: Int64, _ connection: Connection,
                                            into cells: inout [Group: ProbeAggregate],
                                            by group: (RollupCell) -> Group?) throws {
        let rows = try connection.query("""
            SELECT bucket, endpoint_id, vantage_id, pop_region, probes, ok, summary FROM rollup
            WHERE span = $1 AND bucket >= $2 AND bucket < $3
            """, [.int8(span.seconds), .int8(from), .int8(to)])
        for row in 0..<rows.count {
            guard let bucket: Int64 = try rows.int(row, 0), let endpoint: Int64 = try rows.int(row, 1),
                  let vantage: Int64 = try rows.int(row, 2), let region: Int = try rows.int(row, 3),
                  let probes: Int = try rows.int(row, 4), let ok: Int = try rows.int(row, 5),
                  let summary = rows.bytes(row, 6) else { throw DamagedData("a rollup row with a missing column") }
            let cell = RollupCell(span: span, bucket: bucket, ids: DictionaryIDs(endpoint: endpoint, vantage: vantage),
                                  popRegion: region)
            guard let key = group(cell) else { continue }
            try RollupCodec.accumulate(probes: probes, ok: ok, summary: summary, into: &cells[key, default: ProbeAggregate()])
        }
    }

    static func keyNames(_ connection: Connection) throws -> KeyNames {
        KeyNames(endpoints: try endpoints(connection), vantages: try vantages(connection))
    }

    static func windowAggregates(since: Date, until: Date, site: String?, _ connection: Connection) throws -> WindowAggregates {
        let plan = WindowPlan(since: since, until: until, horizons: try horizons(connection))
        var byIDs: [WindowAssembly.CellKey: ProbeAggregate] = [:]
        for piece in plan.pieces {
            try accumulate(span: piece.span, from: piece.from, to: piece.to, connection, into: &byIDs) {
                WindowAssembly.CellKey($0)
            }
        }
        return try WindowAssembly.aggregates(byIDs, names: try keyNames(connection), site: site, plan: plan)
    }

    static func timeSeries(since: Date, until: Date, span: RollupSpan, vantage: String?, site: String?,
                           _ connection: Connection) throws -> TimeSeries {
        let (start, end) = WindowAssembly.seriesBuckets(since: since, until: until, span: span,
                                                        horizons: try horizons(connection))
        let names = try keyNames(connection)
        var byIDs: [WindowAssembly.SeriesKey: ProbeAggregate] = [:]
        try accumulate(span: span, from: start, to: end, connection, into: &byIDs) {
            WindowAssembly.seriesKey($0, names: names, vantage: vantage, site: site)
        }
        return try WindowAssembly.series(byIDs, names: names, span: span, start: start, end: end)
    }

    // MARK: Events

    static func events(since: Int64, until: Int64, site: String?, limit: Int, _ connection: Connection) throws -> EventLog {
        let endpoints = try Self.endpoints(connection).filter { site == nil || $0.value.site == site }
        let vantages = try Self.vantages(connection)
        func vantageLabel(_ id: Int64?) throws -> String {
            guard let id, let vantage = vantages[id] else { throw DamagedData("an event refers to a missing vantage") }
            return vantage.label
        }
        guard !endpoints.isEmpty else { return EventLog(events: [], omitted: 0, failing: []) }
        let ids: Parameter = .int8Array(endpoints.keys.sorted())
        let flip = Int64(ProbeEvent.Kind.cacheFlip.rawValue)

        let rows = try connection.query("""
            SELECT ts, endpoint_id, vantage_id, kind, error, detail, status_before, status, cache_before, cache
            FROM event WHERE ts >= $1 AND ts < $2 AND kind != $3 AND endpoint_id = ANY($4)
            ORDER BY ts DESC, id DESC LIMIT $5
            """, [.int8(since), .int8(until), .int8(flip), ids, .int8(Int64(limit))])
        let events = try (0..<rows.count).map { row in
            guard let ts: Int64 = try rows.int(row, 0), let endpointID: Int64 = try rows.int(row, 1),
                  let endpoint = endpoints[endpointID],
                  let kind = (try rows.int(row, 3) as Int?).flatMap(ProbeEvent.Kind.init(rawValue:)) else {
                throw DamagedData("an event refers to a missing endpoint or an unknown kind")
            }
            return ProbeEvent(time: StoredTime.date(microseconds: ts), endpoint: endpoint.name,
                              vantages: [try vantageLabel(try rows.int(row, 2))], kind: kind,
                              error: try ProbeErrorClass.decode(storedCode: try rows.int(row, 4)),
                              detail: rows.string(row, 5), statusBefore: try rows.int(row, 6), status: try rows.int(row, 7),
                              cacheBefore: try CacheStatus.decode(storedCode: try rows.int(row, 8)),
                              cache: try CacheStatus.decode(storedCode: try rows.int(row, 9)))
        }
        let total: Int = try connection.query("""
            SELECT count(*) FROM event WHERE ts >= $1 AND ts < $2 AND kind != $3 AND endpoint_id = ANY($4)
            """, [.int8(since), .int8(until), .int8(flip), ids]).int(0, 0) ?? 0

        let flipRows = try connection.query("""
            SELECT endpoint_id, vantage_id, cache_before, cache, count(*), min(ts), max(ts) FROM event
            WHERE endpoint_id = ANY($1) AND kind = $2 AND ts >= $3 AND ts < $4
            GROUP BY endpoint_id, vantage_id, cache_before, cache
            """, [ids, .int8(flip), .int8(since), .int8(until)])
        let flips = try (0..<flipRows.count).compactMap { row -> FlipGroup? in
            guard let endpointID: Int64 = try flipRows.int(row, 0), let endpoint = endpoints[endpointID],
                  let count: Int = try flipRows.int(row, 4), let first: Int64 = try flipRows.int(row, 5),
                  let last: Int64 = try flipRows.int(row, 6) else { return nil }
            return FlipGroup(endpoint: endpoint.name, vantage: try vantageLabel(try flipRows.int(row, 1)),
                             cacheBefore: try CacheStatus.decode(storedCode: try flipRows.int(row, 2)),
                             cache: try CacheStatus.decode(storedCode: try flipRows.int(row, 3)), count: count,
                             first: StoredTime.date(microseconds: first), last: StoredTime.date(microseconds: last))
        }

        let stateRows = try connection.query("""
            SELECT endpoint_id, vantage_id, ts, error, failing_since FROM probe_state
            WHERE endpoint_id = ANY($1) AND ts >= $2 AND ts < $3
            """, [ids, .int8(since), .int8(until)])
        let states = try (0..<stateRows.count).compactMap { row -> NewestState? in
            guard let endpointID: Int64 = try stateRows.int(row, 0), let endpoint = endpoints[endpointID],
                  let ts: Int64 = try stateRows.int(row, 2) else { return nil }
            return NewestState(endpoint: endpoint.name, vantage: try vantageLabel(try stateRows.int(row, 1)),
                               time: StoredTime.date(microseconds: ts),
                               error: try ProbeErrorClass.decode(storedCode: try stateRows.int(row, 3)),
                               failingSince: (try stateRows.int(row, 4) as Int64?).map(StoredTime.date(microseconds:)))
        }
        return EventLogAssembly.log(events: events, total: total, limit: limit, flips: flips, states: states)
    }

    // MARK: Headers and agents

    static func lastHeaders(endpoint: String, site: String?, vantage: String?, _ connection: Connection) throws -> ResponseHeaderLines {
        let rows = try connection.query("""
            SELECT h.headers FROM latest_headers h
            JOIN endpoint e ON e.id = h.endpoint_id
            JOIN vantage v ON v.id = h.vantage_id
            WHERE e.name = $1 AND ($2::text IS NULL OR e.site = $2) AND ($3::text IS NULL OR v.label = $3)
            ORDER BY h.ts DESC LIMIT 1
            """, [.text(endpoint), .text(site), .text(vantage)])
        guard rows.count == 1, let json = rows.string(0, 0) else { return ResponseHeaderLines() }
        return try ResponseHeaderLines(storedJSON: json, owner: "\(endpoint) from \(vantage ?? "any vantage")")
    }

    static func agents(_ connection: Connection) throws -> [AgentActivity] {
        let rows = try connection.query("""
            SELECT name, region, last_probe, status FROM agent ORDER BY region COLLATE "C", name COLLATE "C"
            """)
        return try (0..<rows.count).map { row in
            let status = try rows.string(row, 3).map { json throws(DamagedData) in try AgentStatus(storedJSON: json) }
            return AgentActivity(agent: rows.string(row, 0) ?? "", region: rows.string(row, 1) ?? "",
                                 lastProbe: (try rows.int(row, 2) as Int64?).map(StoredTime.date(microseconds:)),
                                 status: status)
        }
    }
}
