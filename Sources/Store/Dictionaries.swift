import CDNTopCore
import GRDB

/// The endpoint and vantage a probe belongs to, as dictionary row ids.
struct DictionaryIDs: Hashable {
    var endpoint: Int64
    var vantage: Int64
}

/// An endpoint as raw probes record it: a config edit that changes the URL starts a new entry,
/// so old probes still export with the URL they were sent to.
struct EndpointEntry: Hashable {
    var name: String
    var site: String
    var url: String
}

/// The `endpoint` and `vantage` tables. Entries are never deleted, so an id, once read, stays
/// valid for every process sharing the file.
enum Dictionaries {
    /// The ids of each probe's endpoint and vantage, adding the missing entries.
    static func ids(for round: [ProbeResult], in db: Database) throws -> [DictionaryIDs] {
        var endpointIDs: [EndpointEntry: Int64] = [:]
        var vantageIDs: [Vantage: Int64] = [:]
        return try round.map { probe in
            let entry = EndpointEntry(name: probe.endpoint, site: probe.site, url: probe.url)
            return DictionaryIDs(
                endpoint: try remembered(entry, in: &endpointIDs) { try id(of: $0, in: db) },
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

    static func endpoints(in db: Database) throws -> [Int64: EndpointEntry] {
        var entries: [Int64: EndpointEntry] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name, site, url FROM endpoint") {
            entries[row[0]] = EndpointEntry(name: row[1], site: row[2], url: row[3])
        }
        return entries
    }

    static func vantages(in db: Database) throws -> [Int64: Vantage] {
        var entries: [Int64: Vantage] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, label, continent FROM vantage") {
            entries[row[0]] = Vantage(label: row[1], continent: try Continent.decode(keyCode: row[2]))
        }
        return entries
    }

    private static func id(of entry: EndpointEntry, in db: Database) throws -> Int64 {
        let arguments: StatementArguments = [entry.name, entry.site, entry.url]
        if let id = try Int64.fetchOne(db.cachedStatement(
            sql: "SELECT id FROM endpoint WHERE name = ? AND site = ? AND url = ?"), arguments: arguments) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO endpoint (name, site, url) VALUES (?, ?, ?)")
            .execute(arguments: arguments)
        return db.lastInsertedRowID
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
