import CDNTopCore
import Foundation
import GRDB

/// The `latest_headers` table: the newest response headers (and trailers) per endpoint and
/// vantage, for the UI's detail view. One JSON row per pair, rewritten each round; raw probes
/// keep no headers. A row is `{"headers": […], "trailers": […]}`; rows written before trailers
/// were kept apart are a bare array of headers, and still read.
enum LatestHeaders {
    static func update(_ round: [ProbeResult], ids: [DictionaryIDs], in db: Database) throws {
        var newest: [DictionaryIDs: ProbeResult] = [:]
        for (probe, probeIDs) in zip(round, ids) where !probe.headers.isEmpty {
            if let kept = newest[probeIDs], kept.timestamp > probe.timestamp { continue }
            newest[probeIDs] = probe
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO latest_headers (endpoint_id, vantage_id, ts, headers) VALUES (?, ?, ?, ?)
            ON CONFLICT (endpoint_id, vantage_id) DO UPDATE SET ts = excluded.ts, headers = excluded.headers
            WHERE excluded.ts >= latest_headers.ts
            """)
        let encoder = JSONEncoder()
        for (probeIDs, probe) in newest {
            let lines = ResponseHeaderLines(headers: probe.headers, trailers: probe.trailers)
            let json = String(decoding: try encoder.encode(lines), as: UTF8.self)
            try statement.execute(arguments: [probeIDs.endpoint, probeIDs.vantage,
                                              StoredTime.microseconds(probe.timestamp), json])
        }
    }

    /// The newest headers recorded for the endpoint (of `site`, when given: names repeat
    /// across sites) from the vantage (any, when nil), empty when none.
    static func fetch(endpoint: String, site: String?, vantage: String?, in db: Database) throws -> ResponseHeaderLines {
        guard let json = try String.fetchOne(db, sql: """
            SELECT h.headers FROM latest_headers h
            JOIN endpoint e ON e.id = h.endpoint_id
            JOIN vantage v ON v.id = h.vantage_id
            WHERE e.name = ? AND (? IS NULL OR e.site = ?) AND (? IS NULL OR v.label = ?)
            ORDER BY h.ts DESC LIMIT 1
            """, arguments: [endpoint, site, site, vantage, vantage]) else { return ResponseHeaderLines() }
        let decoder = JSONDecoder()
        if let lines = try? decoder.decode(ResponseHeaderLines.self, from: Data(json.utf8)) { return lines }
        do {
            return ResponseHeaderLines(headers: try decoder.decode([HTTPHeader].self, from: Data(json.utf8)))
        } catch {
            throw DamagedData("stored headers of \(endpoint) from \(vantage ?? "any vantage") are not valid JSON")
        }
    }
}
