import CDNTopCore
import Foundation
import GRDB

/// The `latest_headers` table: the newest response headers (and trailers) per endpoint and
/// vantage, for the UI's detail view. One JSON row per pair (`ResponseHeaderLines.storedJSON`),
/// rewritten each round; raw probes keep no headers.
enum LatestHeaders {
    static func update(_ round: [ProbeResult], ids: [DictionaryIDs], in db: Database) throws {
        let newest = ResponseHeaderLines.newestWithHeaders(in: round, ids: ids)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO latest_headers (endpoint_id, vantage_id, ts, headers) VALUES (?, ?, ?, ?)
            ON CONFLICT (endpoint_id, vantage_id) DO UPDATE SET ts = excluded.ts, headers = excluded.headers
            WHERE excluded.ts >= latest_headers.ts
            """)
        for (probeIDs, probe) in newest {
            let json = try ResponseHeaderLines(of: probe).storedJSON()
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
        return try ResponseHeaderLines(storedJSON: json, owner: "\(endpoint) from \(vantage ?? "any vantage")")
    }
}
