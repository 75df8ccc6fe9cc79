import CDNTopCore
import Foundation
import GRDB

/// The `probe` table: one row per probe, written with one cached statement and read back as a
/// stream in time order.
enum ProbeRows {
    private static let columns = """
        ts, endpoint_id, vantage_id, provider, ok, status, http_version, cache, cache_raw, pop,
        pop_region, age, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, bytes,
        redirects, remote_ip, error, error_detail
        """
    /// `columns` and the agent, which rows have since v4.
    private static let columnsWithAgent = columns + ", agent_id"

    /// `deliveryKeys` (one per probe, nil for a probe written without the outbox) must not be
    /// stored yet: see `unrecorded`.
    static func insert(_ round: [ProbeResult], ids: [DictionaryIDs], agents: [Int64?], deliveryKeys: [String?],
                       in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO probe (\(columnsWithAgent), delivery_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, (probe, probeIDs)) in zip(round, ids).enumerated() {
            let timings = probe.timings
            statement.setUncheckedArguments([
                StoredTime.microseconds(probe.timestamp), probeIDs.endpoint, probeIDs.vantage,
                probe.provider?.storedCode, probe.ok, probe.status, probe.httpVersion,
                probe.cache?.storedCode, probe.cacheRaw, probe.pop, probe.popRegion?.storedCode,
                probe.age, timings.dns, timings.connect, timings.tls, timings.ttfb,
                timings.transfer, timings.total, probe.bytes, probe.redirects, probe.remoteIP,
                probe.error?.storedCode, probe.errorDetail, agents[index], deliveryKeys[index],
            ])
            try statement.execute()
        }
    }

    /// The keys among `keys` that no stored probe carries yet.
    static func unrecorded(_ keys: [String], in db: Database) throws -> Set<String> {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM probe WHERE delivery_key = ?")
        return try Set(keys.filter { try Int.fetchOne(statement, arguments: [$0]) == nil })
    }

    /// Calls `body` with each probe in `[since, until)` (µs), in time order, one row at a time.
    static func forEach(since: Int64, until: Int64, in db: Database,
                        _ body: (ProbeResult) throws -> Void) throws {
        let names = try RowNames(db)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT \(columnsWithAgent) FROM probe WHERE ts >= ? AND ts < ? ORDER BY ts, id
            """, arguments: [since, until])
        while let row = try rows.next() {
            try body(probe(from: row, names: names))
        }
    }

    /// `forEach` with each probe's dictionary ids, for the event backfill (migration v2), which
    /// follows each (endpoint, vantage) entry as the store does when it records. It runs before
    /// probes had agents, so it reads none.
    static func forEachWithIDs(since: Int64, until: Int64, in db: Database,
                               _ body: (DictionaryIDs, ProbeResult) throws -> Void) throws {
        let names = try RowNames(db, withAgents: false)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT \(columns) FROM probe WHERE ts >= ? AND ts < ? ORDER BY ts, id
            """, arguments: [since, until])
        while let row = try rows.next() {
            try body(DictionaryIDs(endpoint: row[1], vantage: row[2]),
                     probe(from: row, names: names))
        }
    }

    /// The newest `limit` failed probes of the endpoint entries `ids`, newest first: one walk
    /// down the partial index of failed probes per entry, so the cost follows `limit`.
    static func newestFailures(of ids: [Int64], limit: Int, in db: Database) throws -> [ProbeResult] {
        let names = try RowNames(db)
        let statement = try db.cachedStatement(sql: """
            SELECT \(columnsWithAgent) FROM probe INDEXED BY probe_failures
            WHERE endpoint_id = ? AND error IS NOT NULL ORDER BY ts DESC, id DESC LIMIT ?
            """)
        var found: [ProbeResult] = []
        for id in ids {
            for row in try Row.fetchAll(statement, arguments: [id, limit]) {
                found.append(try probe(from: row, names: names))
            }
        }
        return Array(found.sorted { $0.timestamp > $1.timestamp }.prefix(limit))
    }

    /// The newest probe of each endpoint name of `site`, one indexed lookup per catalog entry.
    static func newestPerEndpoint(site: String, in db: Database) throws -> [ProbeResult] {
        let names = try RowNames(db)
        let statement = try db.cachedStatement(sql: """
            SELECT \(columnsWithAgent) FROM probe WHERE ts = ? AND endpoint_id = ? ORDER BY id DESC LIMIT 1
            """)
        var newest: [String: ProbeResult] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, last_probe FROM endpoint WHERE site = ?", arguments: [site]) {
            let id: Int64 = row[0], last: Int64 = row[1]
            guard let found = try Row.fetchOne(statement, arguments: [last, id]) else { continue }
            let probe = try probe(from: found, names: names)
            if let kept = newest[probe.endpoint], kept.timestamp >= probe.timestamp { continue }
            newest[probe.endpoint] = probe
        }
        return newest.values.sorted { $0.endpoint < $1.endpoint }
    }

    /// Grows whenever a probe is written: the cheap "anything new?" check of a reader that polls.
    static func newestID(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(id) FROM probe") ?? 0
    }

    /// Deletes up to `limit` probes older than `microseconds`; true when it hit the limit.
    static func delete(before microseconds: Int64, limit: Int, in db: Database) throws -> Bool {
        try db.execute(sql: """
            DELETE FROM probe WHERE id IN (SELECT id FROM probe WHERE ts < ? LIMIT ?)
            """, arguments: [microseconds, limit])
        return db.changesCount == limit
    }

    /// The dictionaries a probe row's ids refer to, read once per query.
    private struct RowNames {
        let endpoints: [Int64: StoredEndpoint]
        let vantages: [Int64: Vantage]
        let agents: [Int64: String]

        init(_ db: Database, withAgents: Bool = true) throws {
            endpoints = try Dictionaries.endpoints(in: db)
            vantages = try Dictionaries.vantages(in: db)
            agents = withAgents ? try Dictionaries.agentNames(in: db) : [:]
        }
    }

    private static func probe(from row: Row, names: RowNames) throws -> ProbeResult {
        let endpointID: Int64 = row[1]
        let vantageID: Int64 = row[2]
        let agentID: Int64? = row.count > 23 ? row[23] : nil
        guard let endpoint = names.endpoints[endpointID], let vantage = names.vantages[vantageID] else {
            throw DamagedData("probe refers to a missing endpoint or vantage")
        }
        let agent = try agentID.map { id throws(DamagedData) -> String in
            guard let name = names.agents[id] else { throw DamagedData("probe refers to a missing agent") }
            return name
        }
        return ProbeResult(
            timestamp: StoredTime.date(microseconds: row[0]),
            endpoint: endpoint.name, site: endpoint.site, url: endpoint.url, vantage: vantage,
            agent: agent, isOrigin: endpoint.isOrigin,
            provider: try Provider.decode(storedCode: row[3]), ok: row[4], status: row[5],
            httpVersion: row[6], cache: try CacheStatus.decode(storedCode: row[7]), cacheRaw: row[8],
            pop: row[9], popRegion: try Continent.decode(storedCode: row[10]), age: row[11],
            timings: PhaseTimings(dns: row[12], connect: row[13], tls: row[14], ttfb: row[15],
                                  transfer: row[16], total: row[17]),
            bytes: row[18], redirects: row[19], remoteIP: row[20],
            error: try ProbeErrorClass.decode(storedCode: row[21]), errorDetail: row[22])
    }
}
