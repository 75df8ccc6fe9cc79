import CDNTopCore
import Foundation
import Store

/// The writer's connection and what it remembers between rounds: dictionary ids (entries are
/// never deleted, so an id read once stays valid) and the day partitions known to exist.
final class WriterSession {
    let connection: Connection
    private var endpointIDs: [EndpointEntry: Int64] = [:]
    private var vantageIDs: [Vantage: Int64] = [:]
    private var partitionDays: Set<Int64> = []

    init(connection: Connection) {
        self.connection = connection
    }

    /// Stores one round: see `PostgresProbeStore.record`. A deadlock or serialization failure
    /// (which the lock order below should make impossible, but the server decides) and a day
    /// partition that retention dropped meanwhile are retried, a few times (`retrying`).
    func record(_ probes: [ProbeResult], deliveryKeys: [String]?) throws {
        try retrying {
            try ensurePartitions(for: probes)
            var round = RoundWrite(connection: connection, endpointIDs: endpointIDs, vantageIDs: vantageIDs)
            try connection.transaction { try round.write(probes, deliveryKeys: deliveryKeys) }
            // Only ids of committed entries are remembered: a rolled-back round's are gone.
            endpointIDs = round.endpointIDs
            vantageIDs = round.vantageIDs
        }
    }

    /// Stores traffic minutes and a log position in one transaction: see `TrafficRows.add`.
    func recordTraffic(_ minutes: [TrafficMinute], position: LogPosition?) throws {
        try retrying {
            try connection.transaction { try TrafficRows.add(minutes, position: position, connection) }
        }
    }

    /// Runs `write` (one transaction) again, a few times, when the server rolled it back for
    /// a deadlock or serialization failure, or for a day partition retention just dropped.
    private func retrying(_ write: () throws -> Void) throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try write()
            } catch let failure as ServerFailure where attempt < 4 && Self.retried.contains(failure.sqlState ?? "") {
                if failure.sqlState == "23514" { partitionDays.removeAll() }
            }
        }
    }

    /// Deadlock, serialization failure, and "no partition for the row".
    private static let retried: Set<String> = ["40P01", "40001", "23514"]

    private func ensurePartitions(for probes: [ProbeResult]) throws {
        let days = Set(probes.map { DayPartitions.day(ofMicroseconds: StoredTime.microseconds($0.timestamp)) })
        for day in days.subtracting(partitionDays).sorted() {
            try DayPartitions.create(day: day, on: connection)
            partitionDays.insert(day)
        }
    }

    /// Creates the partitions of the current and the next UTC day, so a writer rarely has to
    /// create one on the round that crosses midnight.
    func prepareDays(around now: Date) throws {
        let today = DayPartitions.day(ofMicroseconds: StoredTime.microseconds(now))
        for day in [today, today + 1] where !partitionDays.contains(day) {
            try DayPartitions.create(day: day, on: connection)
            partitionDays.insert(day)
        }
    }

    func forgetPartitions() {
        partitionDays.removeAll()
    }
}

/// One round's transaction. Rows other writers may touch are locked in one global order —
/// delivery keys, endpoints, vantages, agents, rollups, probe states, latest headers, the
/// write count; within each table sorted by key — so concurrent rounds wait for each other
/// but never in a cycle. Rollups and states are read `FOR UPDATE` and merged in Swift
/// (`RollupCodec`, `EventDetector`), so no concurrent round's counts or transitions are lost.
private struct RoundWrite {
    let connection: Connection
    var endpointIDs: [EndpointEntry: Int64]
    var vantageIDs: [Vantage: Int64]

    mutating func write(_ probes: [ProbeResult], deliveryKeys: [String]?) throws {
        let round = try fresh(probes, deliveryKeys: deliveryKeys)
        guard !round.isEmpty else { return }
        let ids = try dictionaryIDs(for: round)
        let agents = try agentIDs(for: round)
        try insertProbes(round, ids: ids, agents: agents)
        try addRollups(round, ids: ids)
        try recordTransitions(round, ids: ids)
        try updateLatestHeaders(round, ids: ids)
        try connection.query("""
            INSERT INTO write_count (writer, probes) VALUES ($1, $2)
            ON CONFLICT (writer) DO UPDATE SET probes = write_count.probes + excluded.probes
            """, [.text(round.first?.agent ?? ""), .int8(Int64(round.count))])
    }

    // MARK: Delivery keys

    /// The probes whose delivery key is not stored yet (all, without keys), storing the keys.
    /// Inserting is the check: a concurrent round delivering the same key waits for this one
    /// and then finds it.
    private func fresh(_ probes: [ProbeResult], deliveryKeys: [String]?) throws -> [ProbeResult] {
        guard let deliveryKeys else { return probes }
        precondition(deliveryKeys.count == probes.count, "one delivery key per probe")
        let pairs = zip(deliveryKeys, probes.map { StoredTime.microseconds($0.timestamp) })
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        let rows = try connection.query("""
            INSERT INTO delivery_key (key, ts) SELECT * FROM unnest($1::text[], $2::int8[])
            ON CONFLICT DO NOTHING RETURNING key
            """, [.textArray(pairs.map(\.0)), .int8Array(pairs.map(\.1))])
        var unstored = Set((0..<rows.count).compactMap { rows.string($0, 0) })
        return zip(deliveryKeys, probes).compactMap { key, probe in
            unstored.remove(key) == nil ? nil : probe
        }
    }

    // MARK: Dictionaries

    private mutating func dictionaryIDs(for round: [ProbeResult]) throws -> [DictionaryIDs] {
        let newEntries = Set(round.map(EndpointEntry.init(of:))).filter { endpointIDs[$0] == nil }
            .sorted { ($0.name, $0.site, $0.url) < ($1.name, $1.site, $1.url) }
        if !newEntries.isEmpty {
            let columns: [Parameter] = [.textArray(newEntries.map(\.name)), .textArray(newEntries.map(\.site)),
                                        .textArray(newEntries.map(\.url))]
            try connection.query("""
                INSERT INTO endpoint (name, site, url) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                ON CONFLICT DO NOTHING
                """, columns)
            let rows = try connection.query("""
                SELECT e.id, e.name, e.site, e.url FROM endpoint e
                JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(name, site, url)
                ON (e.name, e.site, e.url) = (k.name, k.site, k.url)
                """, columns)
            for row in 0..<rows.count {
                guard let id: Int64 = try rows.int(row, 0), let name = rows.string(row, 1),
                      let site = rows.string(row, 2), let url = rows.string(row, 3) else { continue }
                endpointIDs[EndpointEntry(name: name, site: site, url: url)] = id
            }
        }
        let newVantages = Set(round.map(\.vantage)).filter { vantageIDs[$0] == nil }
            .sorted { ($0.label, Continent.keyCode(of: $0.continent)) < ($1.label, Continent.keyCode(of: $1.continent)) }
        if !newVantages.isEmpty {
            let columns: [Parameter] = [.textArray(newVantages.map(\.label)),
                                        .int2Array(newVantages.map { Int16(Continent.keyCode(of: $0.continent)) })]
            try connection.query("""
                INSERT INTO vantage (label, continent) SELECT * FROM unnest($1::text[], $2::int2[])
                ON CONFLICT DO NOTHING
                """, columns)
            let rows = try connection.query("""
                SELECT v.id, v.label, v.continent FROM vantage v
                JOIN unnest($1::text[], $2::int2[]) AS k(label, continent) ON (v.label, v.continent) = (k.label, k.continent)
                """, columns)
            for row in 0..<rows.count {
                guard let id: Int64 = try rows.int(row, 0), let label = rows.string(row, 1),
                      let code: Int = try rows.int(row, 2) else { continue }
                vantageIDs[Vantage(label: label, continent: try Continent.decode(keyCode: code))] = id
            }
        }
        return try round.map { probe in
            guard let endpoint = endpointIDs[EndpointEntry(of: probe)], let vantage = vantageIDs[probe.vantage] else {
                throw DamagedData("the endpoint \(probe.endpoint) or vantage \(probe.vantage.label) was neither added nor found")
            }
            return DictionaryIDs(endpoint: endpoint, vantage: vantage)
        }
    }

    /// The agent id of each probe, adding missing agents and moving their newest-probe times.
    private func agentIDs(for round: [ProbeResult]) throws -> [Int64?] {
        let newest = round.newest(by: \.agent, time: \.timestamp).sorted { $0.key < $1.key }
        guard !newest.isEmpty else { return round.map { _ in nil } }
        let rows = try connection.query("""
            INSERT INTO agent (name, region, last_probe) SELECT * FROM unnest($1::text[], $2::text[], $3::int8[])
            ON CONFLICT (name) DO UPDATE SET
                region = CASE WHEN excluded.last_probe >= coalesce(agent.last_probe, 0) THEN excluded.region ELSE agent.region END,
                last_probe = greatest(coalesce(agent.last_probe, 0), excluded.last_probe)
            RETURNING id, name
            """, [.textArray(newest.map(\.key)), .textArray(newest.map(\.value.vantage.label)),
                  .int8Array(newest.map { StoredTime.microseconds($0.value.timestamp) })])
        var ids: [String: Int64] = [:]
        for row in 0..<rows.count {
            if let name = rows.string(row, 1) { ids[name] = try rows.int(row, 0) }
        }
        return round.map { $0.agent.flatMap { ids[$0] } }
    }

    // MARK: Probes

    private func insertProbes(_ round: [ProbeResult], ids: [DictionaryIDs], agents: [Int64?]) throws {
        var rows = CopyRows()
        for (index, probe) in round.enumerated() {
            let timings = probe.timings
            rows.beginRow(fields: 24)
            rows.int8(StoredTime.microseconds(probe.timestamp))
            rows.int8(ids[index].endpoint)
            rows.int8(ids[index].vantage)
            rows.int8(agents[index])
            rows.int2(probe.provider?.storedCode)
            rows.bool(probe.ok)
            rows.int4(probe.status.map { Int(Int32(clamping: $0)) })
            rows.text(probe.httpVersion)
            rows.int2(probe.cache?.storedCode)
            rows.text(probe.cacheRaw)
            rows.text(probe.pop)
            rows.int2(probe.popRegion?.storedCode)
            rows.int8(probe.age.map(Int64.init))
            for phase in [timings.dns, timings.connect, timings.tls, timings.ttfb, timings.transfer, timings.total] {
                rows.int8(phase)
            }
            rows.int8(probe.bytes)
            rows.int4(Int(Int32(clamping: probe.redirects)))
            rows.text(probe.remoteIP)
            rows.int2(probe.error?.storedCode)
            rows.text(probe.errorDetail)
        }
        try connection.copy("COPY probe (\(ProbeColumns.written)) FROM STDIN (FORMAT binary)", data: rows.finished())
    }

    // MARK: Rollups

    /// Locks the stored rows of the round's cells in key order, merges the round into them and
    /// writes them back; then inserts the cells no row held. A cell another writer inserted
    /// meanwhile (the insert finds it) is merged into that row on the next pass. Each cell's
    /// summary is encoded once.
    private func addRollups(_ round: [ProbeResult], ids: [DictionaryIDs]) throws {
        var cells = RollupCell.aggregates(of: round, ids: ids)
        var pending = cells.keys.sorted()
        for _ in 0..<3 {
            let stored = try connection.query("""
                SELECT r.span, r.bucket, r.endpoint_id, r.vantage_id, r.pop_region, r.probes, r.ok, r.summary
                FROM rollup r JOIN unnest($1::int4[], $2::int8[], $3::int8[], $4::int8[], $5::int2[])
                    AS k(span, bucket, endpoint_id, vantage_id, pop_region)
                ON (r.span, r.bucket, r.endpoint_id, r.vantage_id, r.pop_region)
                    = (k.span, k.bucket, k.endpoint_id, k.vantage_id, k.pop_region)
                WHERE (r.span = 60 AND r.bucket BETWEEN $6 AND $7) OR (r.span = 3600 AND r.bucket BETWEEN $8 AND $9)
                    OR (r.span = 86400 AND r.bucket BETWEEN $10 AND $11)
                ORDER BY r.span, r.bucket, r.endpoint_id, r.vantage_id, r.pop_region
                FOR UPDATE OF r
                """, Self.columns(of: pending) + Self.bucketRanges(of: pending))
            var merged: [RollupCell] = []
            for row in 0..<stored.count {
                let cell = try Self.cell(stored, row)
                guard cells[cell] != nil, let probes: Int = try stored.int(row, 5), let ok: Int = try stored.int(row, 6),
                      let summary = stored.bytes(row, 7) else { throw DamagedData("a rollup row without counts") }
                try RollupCodec.accumulate(probes: probes, ok: ok, summary: summary, into: &cells[cell]!)
                merged.append(cell)
            }
            if !merged.isEmpty {
                try connection.query("""
                    UPDATE rollup r SET probes = k.probes, ok = k.ok, summary = k.summary
                    FROM unnest($1::int4[], $2::int8[], $3::int8[], $4::int8[], $5::int2[], $6::int8[], $7::int8[], $8::bytea[])
                        AS k(span, bucket, endpoint_id, vantage_id, pop_region, probes, ok, summary)
                    WHERE (r.span, r.bucket, r.endpoint_id, r.vantage_id, r.pop_region)
                        = (k.span, k.bucket, k.endpoint_id, k.vantage_id, k.pop_region)
                    """, Self.rows(merged, cells))
            }
            let mergedSet = Set(merged)
            let fresh = pending.filter { !mergedSet.contains($0) }
            guard !fresh.isEmpty else { return }
            let inserted = try connection.query("""
                INSERT INTO rollup (span, bucket, endpoint_id, vantage_id, pop_region, probes, ok, summary)
                SELECT * FROM unnest($1::int4[], $2::int8[], $3::int8[], $4::int8[], $5::int2[], $6::int8[], $7::int8[], $8::bytea[])
                ON CONFLICT DO NOTHING RETURNING span, bucket, endpoint_id, vantage_id, pop_region
                """, Self.rows(fresh, cells))
            let done = Set(try (0..<inserted.count).map { try Self.cell(inserted, $0) })
            pending = fresh.filter { !done.contains($0) }
            guard !pending.isEmpty else { return }
        }
        throw DamagedData("rollup rows kept appearing and disappearing while being merged")
    }

    /// Per span (minute, hour, day), the oldest and newest bucket `cells` cover (an empty
    /// range for a span they lack): the primary key's range scans bound the join, where a
    /// join on the keys alone may read the whole table.
    private static func bucketRanges(of cells: [RollupCell]) -> [Parameter] {
        RollupSpan.allCases.flatMap { span -> [Parameter] in
            let buckets = cells.lazy.filter { $0.span == span }.map(\.bucket)
            return [.int8(buckets.min() ?? 1), .int8(buckets.max() ?? 0)]
        }
    }

    /// Keys, counts and encoded summaries of `keys`, as the columns of `unnest`.
    private static func rows(_ keys: [RollupCell], _ cells: [RollupCell: ProbeAggregate]) -> [Parameter] {
        let aggregates = keys.map { cells[$0] ?? ProbeAggregate() }
        return columns(of: keys) + [.int8Array(aggregates.map { Int64($0.count) }),
                                    .int8Array(aggregates.map { Int64($0.okCount) }),
                                    .byteaArray(aggregates.map(RollupCodec.encode))]
    }

    private static func columns(of cells: [RollupCell]) -> [Parameter] {
        [.int4Array(cells.map { Int32($0.span.seconds) }), .int8Array(cells.map(\.bucket)),
         .int8Array(cells.map(\.ids.endpoint)), .int8Array(cells.map(\.ids.vantage)),
         .int2Array(cells.map { Int16($0.popRegion) })]
    }

    private static func cell(_ rows: Rows, _ row: Int) throws -> RollupCell {
        guard let span = (try rows.int(row, 0) as Int64?).flatMap(RollupSpan.init(rawValue:)),
              let bucket: Int64 = try rows.int(row, 1), let endpoint: Int64 = try rows.int(row, 2),
              let vantage: Int64 = try rows.int(row, 3), let region: Int = try rows.int(row, 4) else {
            throw DamagedData("a rollup row with an unknown span or a missing key")
        }
        return RollupCell(span: span, bucket: bucket, ids: DictionaryIDs(endpoint: endpoint, vantage: vantage),
                          popRegion: region)
    }

    // MARK: Events

    /// Locks the states of the round's (endpoint, vantage) pairs — adding empty ones first, so
    /// two rounds of a new pair take turns too — finds the transitions, writes them, and moves
    /// the states.
    private func recordTransitions(_ round: [ProbeResult], ids: [DictionaryIDs]) throws {
        let keys = Set(ids).sorted()
        let keyColumns: [Parameter] = [.int8Array(keys.map(\.endpoint)), .int8Array(keys.map(\.vantage))]
        try connection.query("""
            INSERT INTO probe_state (endpoint_id, vantage_id) SELECT * FROM unnest($1::int8[], $2::int8[])
            ON CONFLICT DO NOTHING
            """, keyColumns)
        let rows = try connection.query("""
            SELECT endpoint_id, vantage_id, ts, error, status, cache, failing_since, is_origin FROM probe_state
            WHERE (endpoint_id, vantage_id) IN (SELECT * FROM unnest($1::int8[], $2::int8[]))
            ORDER BY endpoint_id, vantage_id FOR UPDATE
            """, keyColumns)
        var states: [DictionaryIDs: ProbeState] = [:]
        var origin: [DictionaryIDs: Bool] = [:]
        for row in 0..<rows.count {
            guard let endpoint: Int64 = try rows.int(row, 0), let vantage: Int64 = try rows.int(row, 1) else { continue }
            let key = DictionaryIDs(endpoint: endpoint, vantage: vantage)
            origin[key] = try rows.bool(row, 7) ?? false
            guard let time: Int64 = try rows.int(row, 2) else { continue }
            states[key] = ProbeState(time: StoredTime.date(microseconds: time),
                                     error: try ProbeErrorClass.decode(storedCode: try rows.int(row, 3)),
                                     status: try rows.int(row, 4),
                                     cache: try CacheStatus.decode(storedCode: try rows.int(row, 5)),
                                     failingSince: (try rows.int(row, 6) as Int64?).map(StoredTime.date(microseconds:)))
        }
        let events = RoundTransitions.events(of: round, ids: ids, states: &states)
        if !events.isEmpty {
            let list = events.map(\.event)
            try connection.query("""
                INSERT INTO event (ts, endpoint_id, vantage_id, kind, error, detail, status_before, status, cache_before, cache)
                SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int2[], $5::int2[], $6::text[],
                                     $7::int4[], $8::int4[], $9::int2[], $10::int2[])
                """, [.int8Array(list.map { StoredTime.microseconds($0.time) }),
                      .int8Array(events.map(\.key.endpoint)), .int8Array(events.map(\.key.vantage)),
                      .int2Array(list.map { Int16($0.kind.rawValue) }),
                      .int2Array(list.map { $0.error.map { Int16($0.storedCode) } }),
                      .textArray(list.map(\.detail)),
                      .int4Array(list.map { $0.statusBefore.map { Int32(clamping: $0) } }),
                      .int4Array(list.map { $0.status.map { Int32(clamping: $0) } }),
                      .int2Array(list.map { $0.cacheBefore.map { Int16($0.storedCode) } }),
                      .int2Array(list.map { $0.cache.map { Int16($0.storedCode) } })])
        }
        // The origin flag follows the newest probe, as the state does.
        for (key, probe) in zip(ids, round).newest(by: \.0, time: \.1.timestamp) {
            if let state = states[key], state.time == probe.1.timestamp { origin[key] = probe.1.isOrigin }
        }
        let saved = keys.compactMap { key in states[key].map { (key, $0) } }
        try connection.query("""
            UPDATE probe_state s SET ts = k.ts, error = k.error, status = k.status, cache = k.cache,
                failing_since = k.failing_since, is_origin = k.is_origin
            FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int2[], $5::int4[], $6::int2[], $7::int8[], $8::bool[])
                AS k(endpoint_id, vantage_id, ts, error, status, cache, failing_since, is_origin)
            WHERE (s.endpoint_id, s.vantage_id) = (k.endpoint_id, k.vantage_id)
            """, [.int8Array(saved.map(\.0.endpoint)), .int8Array(saved.map(\.0.vantage)),
                  .int8Array(saved.map { StoredTime.microseconds($0.1.time) }),
                  .int2Array(saved.map { $0.1.error.map { Int16($0.storedCode) } }),
                  .int4Array(saved.map { $0.1.status.map { Int32(clamping: $0) } }),
                  .int2Array(saved.map { $0.1.cache.map { Int16($0.storedCode) } }),
                  .int8Array(saved.map { $0.1.failingSince.map(StoredTime.microseconds) }),
                  .boolArray(saved.map { origin[$0.0] ?? false })])
    }

    // MARK: Headers

    private func updateLatestHeaders(_ round: [ProbeResult], ids: [DictionaryIDs]) throws {
        let newest = ResponseHeaderLines.newestWithHeaders(in: round, ids: ids).sorted { $0.key < $1.key }
        guard !newest.isEmpty else { return }
        try connection.query("""
            INSERT INTO latest_headers (endpoint_id, vantage_id, ts, headers)
            SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::text[])
            ON CONFLICT (endpoint_id, vantage_id) DO UPDATE SET ts = excluded.ts, headers = excluded.headers
            WHERE excluded.ts >= latest_headers.ts
            """, [.int8Array(newest.map(\.key.endpoint)), .int8Array(newest.map(\.key.vantage)),
                  .int8Array(newest.map { StoredTime.microseconds($0.value.timestamp) }),
                  .textArray(try newest.map { try ResponseHeaderLines(of: $0.value).storedJSON() })])
    }
}

/// The `probe` columns as written and read, in one order.
enum ProbeColumns {
    static let written = """
        ts, endpoint_id, vantage_id, agent_id, provider, ok, status, http_version, cache, cache_raw, pop,
        pop_region, age, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, bytes, redirects,
        remote_ip, error, error_detail
        """
}
