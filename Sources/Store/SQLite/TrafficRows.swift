import CDNTopCore
import Foundation
import GRDB

/// The `traffic_rollup` and `log_position` tables: real-traffic minutes folded into minute,
/// hour and day rows as they are recorded, and read back by windows and series.
enum TrafficRows {
    /// Merges `minutes` into their rows of every span: the stored row of each touched key is
    /// read, merged and written back, one upsert per key.
    static func add(_ minutes: [TrafficMinute], in db: Database) throws {
        let merged = TrafficAssembly.rollups(of: minutes)
        let select = try db.cachedStatement(sql: """
            SELECT summary FROM traffic_rollup WHERE span = ? AND bucket = ? AND site = ? AND provider = ?
            """)
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO traffic_rollup (span, bucket, site, provider, requests, summary) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (span, bucket, site, provider) DO UPDATE SET
                requests = excluded.requests, summary = excluded.summary
            """)
        for (key, var aggregate) in merged {
            let arguments: StatementArguments = [key.span.seconds, key.bucket, key.site, key.providerCode]
            if let stored = try Data.fetchOne(select, arguments: arguments) {
                try TrafficCodec.merge([UInt8](stored), into: &aggregate)
            }
            try upsert.execute(arguments: arguments + [aggregate.requests, Data(TrafficCodec.encode(aggregate))])
        }
    }

    /// Per (site, provider), the rows of `span` with buckets in `[from, to)` merged by
    /// `bucketOf` (nil: one aggregate for the whole range).
    static func fold(span: RollupSpan, from: Int64, to: Int64, site: String?, in db: Database,
                     into cells: inout [TrafficCellKey: TrafficMinute], bucketOf: (Int64) -> Int64) throws {
        var sql = "SELECT bucket, site, provider, summary FROM traffic_rollup WHERE span = ? AND bucket >= ? AND bucket < ?"
        var arguments: StatementArguments = [span.seconds, from, to]
        if let site {
            sql += " AND site = ?"
            arguments += [site]
        }
        sql += " ORDER BY bucket, site, provider"
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            let summary = try row.withUnsafeData(atIndex: 3) { [UInt8]($0 ?? Data()) }
            try TrafficAssembly.fold(bucket: row[0], site: row[1], providerCode: row[2], summary: summary,
                                     into: &cells, bucketOf: bucketOf)
        }
    }

    /// Deletes up to `limit` rows of `span` older than `bucket`; true when it hit the limit.
    static func delete(span: RollupSpan, before bucket: Int64, limit: Int, in db: Database) throws -> Bool {
        try db.execute(sql: """
            DELETE FROM traffic_rollup WHERE (span, bucket, site, provider) IN (
                SELECT span, bucket, site, provider FROM traffic_rollup WHERE span = ? AND bucket < ? LIMIT ?)
            """, arguments: [span.seconds, bucket, limit])
        return db.changesCount == limit
    }

    // MARK: Log positions

    static func position(source: String, in db: Database) throws -> LogPosition? {
        try Row.fetchOne(db, sql: "SELECT file_id, offset FROM log_position WHERE source = ?", arguments: [source]).map {
            LogPosition(source: source, fileID: $0[0], offset: $0[1])
        }
    }

    static func setPosition(_ position: LogPosition, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO log_position (source, file_id, offset) VALUES (?, ?, ?)
            ON CONFLICT (source) DO UPDATE SET file_id = excluded.file_id, offset = excluded.offset
            """, arguments: [position.source, position.fileID, position.offset])
    }
}
