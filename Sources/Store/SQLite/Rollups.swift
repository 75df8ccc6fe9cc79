import CDNTopCore
import Foundation
import GRDB

/// The `rollup` table: written in the same transaction as the raw probes, read by every window.
enum Rollups {
    /// Folds a round into its rollup rows. The round is grouped in memory first and the
    /// stored rows of the buckets it touches are read with one range query per span, so a
    /// round costs one upsert per (bucket, key) however many probes fall in it.
    static func add(_ round: [ProbeResult], ids: [DictionaryIDs], in db: Database) throws {
        var cells = RollupCell.aggregates(of: round, ids: ids)
        let touched = Set(cells.keys)
        for span in RollupSpan.allCases {
            let buckets = touched.lazy.filter { $0.span == span }.map(\.bucket)
            guard let oldest = buckets.min(), let newest = buckets.max() else { continue }
            try accumulate(span: span, from: oldest, to: newest + 1, in: db, into: &cells) { stored in
                touched.contains(stored) ? stored : nil
            }
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO rollup (span, bucket, endpoint_id, vantage_id, pop_region, probes, ok, summary)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (span, bucket, endpoint_id, vantage_id, pop_region) DO UPDATE SET
                probes = excluded.probes, ok = excluded.ok, summary = excluded.summary
            """)
        for (cell, aggregate) in cells {
            try upsert.execute(arguments: [cell.span.seconds, cell.bucket, cell.ids.endpoint,
                                           cell.ids.vantage, cell.popRegion, aggregate.count,
                                           aggregate.okCount, Data(RollupCodec.encode(aggregate))])
        }
    }

    /// Folds the rows of `span` with buckets in `[from, to)` (seconds) into `cells`, grouped
    /// by `group`, which sees each row's key; rows it maps to nil are skipped undecoded.
    static func accumulate<Group: Hashable>(
        span: RollupSpan, from: Int64, to: Int64, in db: Database,
        into cells: inout [Group: ProbeAggregate], by group: (RollupCell) -> Group?
    ) throws {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT bucket, endpoint_id, vantage_id, pop_region, probes, ok, summary FROM rollup
            WHERE span = ? AND bucket >= ? AND bucket < ?
            """), arguments: [span.seconds, from, to])
        while let row = try rows.next() {
            let cell = RollupCell(span: span, bucket: row[0],
                                  ids: DictionaryIDs(endpoint: row[1], vantage: row[2]),
                                  popRegion: row[3])
            guard let key = group(cell) else { continue }
            try RollupCodec.accumulate(probes: row[4], ok: row[5], summary: try summary(of: row, at: 6),
                                       into: &cells[key, default: ProbeAggregate()])
        }
    }

    /// The summary blob's bytes, copied once straight from SQLite's buffer.
    private static func summary(of row: Row, at index: Int) throws -> [UInt8] {
        try row.withUnsafeData(atIndex: index) { [UInt8]($0 ?? Data()) }
    }

    /// Deletes up to `limit` rows of `span` older than `bucket`; true when it hit the limit.
    static func delete(span: RollupSpan, before bucket: Int64, limit: Int, in db: Database) throws -> Bool {
        try db.execute(sql: """
            DELETE FROM rollup WHERE (span, bucket, endpoint_id, vantage_id, pop_region) IN (
                SELECT span, bucket, endpoint_id, vantage_id, pop_region FROM rollup
                WHERE span = ? AND bucket < ? LIMIT ?)
            """, arguments: [span.seconds, bucket, limit])
        return db.changesCount == limit
    }
}
