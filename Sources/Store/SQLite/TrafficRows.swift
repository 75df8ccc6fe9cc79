import CDNTopCore
import Foundation
import GRDB

/// The `traffic_rollup` and `log_position` tables: real-traffic minutes folded into minute,
/// hour and day rows as they are recorded, and read back by windows and series.
enum TrafficRows {
    private struct Key: Hashable {
        var span: RollupSpan
        var bucket: Int64
        var site: String
        var providerCode: Int
    }

    /// Merges `minutes` into their rows of every span: the stored row of each touched key is
    /// read, merged and written back, one upsert per key.
    static func add(_ minutes: [TrafficMinute], in db: Database) throws {
        var grouped: [Key: [TrafficMinute]] = [:]
        for minute in minutes {
            for span in RollupSpan.allCases {
                let key = Key(span: span, bucket: span.floor(minute.minute), site: minute.site,
                              providerCode: minute.provider?.storedCode ?? 0)
                grouped[key, default: []].append(minute)
            }
        }
        var merged: [Key: TrafficMinute] = [:]
        for (key, group) in grouped {
            var aggregate = TrafficMinute(site: key.site, provider: group[0].provider, minute: key.bucket)
            aggregate.merge(contentsOf: group)
            merged[key] = aggregate
        }
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
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            let providerCode: Int = row[2]
            let provider = providerCode == 0 ? nil : try Provider(storedCode: providerCode)
            let key = TrafficCellKey(site: row[1], provider: provider, bucket: bucketOf(row[0]))
            let summary = try row.withUnsafeData(atIndex: 3) { [UInt8]($0 ?? Data()) }
            try TrafficCodec.merge(summary, into: &cells[key, default: TrafficMinute(site: key.site, provider: provider, minute: key.bucket)])
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

/// One aggregate of a traffic window or series: a site through a provider, in one bucket
/// (the window's start for a whole window).
struct TrafficCellKey: Hashable {
    var site: String
    var provider: Provider?
    var bucket: Int64
}
