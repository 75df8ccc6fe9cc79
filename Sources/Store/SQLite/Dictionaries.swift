import CDNTopCore
import GRDB

/// The `endpoint` and `vantage` tables. Entries are never deleted, so an id, once read, stays
/// valid for every process sharing the file.
///
/// `endpoint` is also the catalog a report is labelled from, and the newest probe decides what
/// is current in it. Each entry keeps the time of its newest probe and the origin flag that
/// probe carried; of several entries with one (name, site), made by URL edits, the current
/// one has the newest probe (the one added last on a tie). The newest probe rather than the
/// last write, as for `latest_headers`: a late write of an older round must not bring back a
/// URL or a flag the config has moved away from.
enum Dictionaries {
    /// The ids of each probe's endpoint and vantage, adding the missing entries and bringing
    /// the endpoints' flags and newest probe times up to date.
    static func ids(for round: [ProbeResult], in db: Database) throws -> [DictionaryIDs] {
        let newest = round.newest(by: EndpointEntry.init(of:), time: \.timestamp)
        let endpointIDs = try newest.mapValues { try id(ofEndpointOf: $0, in: db) }
        var vantageIDs: [Vantage: Int64] = [:]
        return try round.map { probe in
            guard let endpoint = endpointIDs[EndpointEntry(of: probe)] else {
                preconditionFailure("every endpoint of the round was recorded above")
            }
            return DictionaryIDs(endpoint: endpoint,
                                 vantage: try remembered(probe.vantage, in: &vantageIDs) { try id(of: $0, in: db) })
        }
    }

    /// Looks each distinct entry up once per round, not once per probe.
    private static func remembered<Key: Hashable>(_ key: Key, in memo: inout [Key: Int64],
                                                  lookUp: (Key) throws -> Int64) rethrows -> Int64 {
        if let id = memo[key] { return id }
        let id = try lookUp(key)
        memo[key] = id
        return id
    }

    /// The agent id of each probe, adding missing agents and moving their newest-probe times.
    static func agentIDs(for round: [ProbeResult], in db: Database) throws -> [Int64?] {
        let newest = round.newest(by: \.agent, time: \.timestamp)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO agent (name, region, last_probe) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET
                region = CASE WHEN excluded.last_probe >= coalesce(last_probe, 0) THEN excluded.region ELSE region END,
                last_probe = max(coalesce(last_probe, 0), excluded.last_probe)
            RETURNING id
            """)
        var ids: [String: Int64] = [:]
        for (agent, probe) in newest {
            ids[agent] = try Int64.fetchOne(statement, arguments: [agent, probe.vantage.label,
                                                                    StoredTime.microseconds(probe.timestamp)])
        }
        return round.map { $0.agent.flatMap { ids[$0] } }
    }

    /// Agent names by id: what probe rows refer to.
    static func agentNames(in db: Database) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM agent") { names[row[0]] = row[1] }
        return names
    }

    /// Every endpoint entry by id, each with its current flag: what probes and rollups refer to.
    static func endpoints(in db: Database) throws -> [Int64: StoredEndpoint] {
        var entries: [Int64: StoredEndpoint] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name, site, url, is_origin FROM endpoint") {
            entries[row[0]] = StoredEndpoint(name: row[1], site: row[2], url: row[3], isOrigin: row[4])
        }
        return entries
    }

    /// The current entry of each (name, site), sorted by site, then name.
    static func catalog(in db: Database) throws -> [StoredEndpoint] {
        try Row.fetchAll(db, sql: """
            SELECT name, site, url, is_origin FROM (
                SELECT name, site, url, is_origin, row_number() OVER (
                    PARTITION BY name, site ORDER BY last_probe DESC, id DESC) AS recency
                FROM endpoint)
            WHERE recency = 1 ORDER BY site, name
            """).map { StoredEndpoint(name: $0[0], site: $0[1], url: $0[2], isOrigin: $0[3]) }
    }

    static func vantages(in db: Database) throws -> [Int64: Vantage] {
        var entries: [Int64: Vantage] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, label, continent FROM vantage") {
            entries[row[0]] = Vantage(label: row[1], continent: try Continent.decode(keyCode: row[2]))
        }
        return entries
    }

    /// Adds or updates the entry of `probe`, the newest of its entry in the round, and
    /// returns its id: one statement per endpoint and round.
    private static func id(ofEndpointOf probe: ProbeResult, in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO endpoint (name, site, url, is_origin, last_probe) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (name, site, url) DO UPDATE SET
                is_origin = CASE WHEN excluded.last_probe >= last_probe THEN excluded.is_origin ELSE is_origin END,
                last_probe = max(last_probe, excluded.last_probe)
            RETURNING id
            """)
        let arguments: StatementArguments = [probe.endpoint, probe.site, probe.url, probe.isOrigin,
                                             StoredTime.microseconds(probe.timestamp)]
        guard let id = try Int64.fetchOne(statement, arguments: arguments) else {
            throw DamagedData("the endpoint \(probe.endpoint) was neither added nor found")
        }
        return id
    }

    private static func id(of vantage: Vantage, in db: Database) throws -> Int64 {
        let arguments: StatementArguments = [vantage.label, Continent.keyCode(of: vantage.continent)]
        if let id = try Int64.fetchOne(db.cachedStatement(
            sql: "SELECT id FROM vantage WHERE label = ? AND continent = ?"), arguments: arguments) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO vantage (label, continent) VALUES (?, ?)")
            .execute(arguments: arguments)
        return db.lastInsertedRowID
    }
}
