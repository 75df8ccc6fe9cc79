import CDNTopCore
import Foundation
import Store

/// The `traffic_rollup` and `log_position` tables on the server: real-traffic minutes folded
/// into minute, hour and day rows as they are recorded, as in SQLite (`TrafficAssembly` holds
/// what both engines share).
enum TrafficRows {
    /// Merges `minutes` into their rows of every span and moves `position`; the caller runs
    /// it in one transaction.
    ///
    /// Two `cdntop logs ingest` of different files of one site write the same rows at once.
    /// Missing rows are added empty first, then every row is locked `FOR UPDATE`, both in key
    /// order, merged in Swift and written back: concurrent writers wait for each other (never
    /// in a cycle: an insert waits only on an earlier key's insert) and no count is lost.
    static func add(_ minutes: [TrafficMinute], position: LogPosition?, _ connection: Connection) throws {
        var rollups = TrafficAssembly.rollups(of: minutes)
        let keys = rollups.keys.sorted()
        if !keys.isEmpty {
            let empty = TrafficCodec.encode(TrafficMinute(site: "", provider: nil, minute: 0))
            try connection.query("""
                INSERT INTO traffic_rollup (span, bucket, site, provider, requests, summary)
                SELECT k.span, k.bucket, k.site, k.provider, 0, $5 FROM unnest($1::int4[], $2::int8[], $3::text[], $4::int2[])
                    WITH ORDINALITY AS k(span, bucket, site, provider, n)
                ORDER BY k.n
                ON CONFLICT DO NOTHING
                """, columns(of: keys) + [.bytea(empty)])
            let stored = try connection.query("""
                SELECT r.span, r.bucket, r.site, r.provider, r.summary FROM traffic_rollup r
                JOIN unnest($1::int4[], $2::int8[], $3::text[], $4::int2[]) AS k(span, bucket, site, provider)
                ON (r.span, r.bucket, r.site, r.provider) = (k.span, k.bucket, k.site, k.provider)
                ORDER BY r.span, r.bucket, r.site, r.provider
                FOR UPDATE OF r
                """, columns(of: keys))
            guard stored.count == keys.count else {
                throw DamagedData("traffic rows went missing while being merged")
            }
            for row in 0..<stored.count {
                let key = try rollupKey(stored, row)
                guard rollups[key] != nil, let summary = stored.bytes(row, 4) else {
                    throw DamagedData("a traffic row without its summary")
                }
                try TrafficCodec.merge(summary, into: &rollups[key]!)
            }
            let merged = keys.map { rollups[$0]! }
            try connection.query("""
                UPDATE traffic_rollup r SET requests = k.requests, summary = k.summary
                FROM unnest($1::int4[], $2::int8[], $3::text[], $4::int2[], $5::int8[], $6::bytea[])
                    AS k(span, bucket, site, provider, requests, summary)
                WHERE (r.span, r.bucket, r.site, r.provider) = (k.span, k.bucket, k.site, k.provider)
                """, columns(of: keys) + [.int8Array(merged.map(\.requests)), .byteaArray(merged.map(TrafficCodec.encode))])
        }
        if let position {
            try connection.query("""
                INSERT INTO log_position (source, file_id, byte_offset) VALUES ($1, $2, $3)
                ON CONFLICT (source) DO UPDATE SET file_id = excluded.file_id, byte_offset = excluded.byte_offset
                """, [.text(position.source), .text(position.fileID), .int8(position.offset)])
        }
    }

    private static func columns(of keys: [TrafficRollupKey]) -> [Parameter] {
        [.int4Array(keys.map { Int32($0.span.seconds) }), .int8Array(keys.map(\.bucket)),
         .textArray(keys.map(\.site)), .int2Array(keys.map { Int16($0.providerCode) })]
    }

    private static func rollupKey(_ rows: Rows, _ row: Int) throws -> TrafficRollupKey {
        guard let span = (try rows.int(row, 0) as Int64?).flatMap(RollupSpan.init(rawValue:)),
              let bucket: Int64 = try rows.int(row, 1), let site = rows.string(row, 2),
              let provider: Int = try rows.int(row, 3) else {
            throw DamagedData("a traffic row with an unknown span or a missing key")
        }
        return TrafficRollupKey(span: span, bucket: bucket, site: site, providerCode: provider)
    }

    static func position(source: String, _ connection: Connection) throws -> LogPosition? {
        let rows = try connection.query("SELECT file_id, byte_offset FROM log_position WHERE source = $1", [.text(source)])
        guard rows.count == 1 else { return nil }
        guard let fileID = rows.string(0, 0), let offset: Int64 = try rows.int(0, 1) else {
            throw DamagedData("a log position without its file or offset")
        }
        return LogPosition(source: source, fileID: fileID, offset: offset)
    }

    // MARK: Reading

    /// Per (site, provider), `[since, until)` merged from the coarsest rows that fit
    /// (`WindowPlan`, as for probes); each aggregate's `minute` is the covered window's start.
    static func window(since: Date, until: Date, site: String?, _ connection: Connection) throws -> [TrafficMinute] {
        let plan = WindowPlan(since: since, until: until, horizons: try Reading.horizons(connection))
        var cells: [TrafficCellKey: TrafficMinute] = [:]
        for piece in plan.pieces {
            try fold(span: piece.span, from: piece.from, to: piece.to, site: site, connection, into: &cells) { _ in plan.since }
        }
        return TrafficAssembly.sorted(cells)
    }

    /// Per (site, provider), one aggregate per `span` bucket of `[since, until)` widened to
    /// whole buckets, oldest first.
    static func series(since: Date, until: Date, span: RollupSpan, site: String?, _ connection: Connection) throws -> [TrafficMinute] {
        let buckets = TrafficAssembly.seriesBuckets(since: since, until: until, span: span)
        var cells: [TrafficCellKey: TrafficMinute] = [:]
        try fold(span: span, from: buckets.from, to: buckets.to, site: site, connection, into: &cells) { $0 }
        return TrafficAssembly.sorted(cells)
    }

    /// Folds the rows of `span` with buckets in `[from, to)`, in key order (see
    /// `TrafficAssembly.fold`).
    private static func fold(span: RollupSpan, from: Int64, to: Int64, site: String?, _ connection: Connection,
                             into cells: inout [TrafficCellKey: TrafficMinute], bucketOf: (Int64) -> Int64) throws {
        let rows = try connection.query("""
            SELECT bucket, site, provider, summary FROM traffic_rollup
            WHERE span = $1 AND bucket >= $2 AND bucket < $3 AND ($4::text IS NULL OR site = $4)
            ORDER BY bucket, site, provider
            """, [.int8(span.seconds), .int8(from), .int8(to), .text(site)])
        for row in 0..<rows.count {
            guard let bucket: Int64 = try rows.int(row, 0), let name = rows.string(row, 1),
                  let provider: Int = try rows.int(row, 2), let summary = rows.bytes(row, 3) else {
                throw DamagedData("a traffic row with a missing column")
            }
            try TrafficAssembly.fold(bucket: bucket, site: name, providerCode: provider, summary: summary,
                                     into: &cells, bucketOf: bucketOf)
        }
    }

    // MARK: Retention

    /// Deletes the rows of `span` older than `bucket`, a bounded batch per transaction.
    static func delete(span: RollupSpan, before bucket: Int64, rowsPerStep: Int, _ connection: Connection) throws {
        while try connection.query("""
            DELETE FROM traffic_rollup WHERE (span, bucket, site, provider) IN (
                SELECT span, bucket, site, provider FROM traffic_rollup WHERE span = $1 AND bucket < $2 LIMIT \(rowsPerStep))
            """, [.int8(span.seconds), .int8(bucket)]).affected == rowsPerStep {}
    }
}
