import Foundation
import GRDB

/// Deletes what outlived its retention.
///
/// Horizons move first, in their own transaction, so a window read meanwhile already widens
/// past the buckets about to go. Rows are then deleted a bounded batch per transaction: after
/// days without pruning there can be millions, and one long transaction would hold the write
/// lock past the agent's busy timeout.
enum Retention {
    /// Rows per delete transaction: tens of milliseconds of work.
    static let rowsPerStep = 20_000

    /// Records, per span, the oldest bucket that stays complete once pruning as of `now` is done.
    /// Horizons never move back, so a clock set back does not resurrect deleted buckets.
    static func advanceHorizons(now: Date, settings: StoreSettings, in db: Database) throws {
        for (span, oldestKept) in RetentionHorizons.kept(now: now, settings: settings) {
            try db.execute(sql: """
                INSERT INTO retention_horizon (span, oldest_bucket) VALUES (?, ?)
                ON CONFLICT (span) DO UPDATE SET oldest_bucket = max(oldest_bucket, excluded.oldest_bucket)
                """, arguments: [span.seconds, oldestKept])
        }
    }

    /// Deletes up to `rowsPerStep` expired raw probes, as many expired events, and as many
    /// rollup and traffic rows behind their horizons; true when a table may hold more. `probe_state` is
    /// never pruned: one row per endpoint and vantage, and it remembers when a failure that
    /// outlived its probes began.
    static func deleteStep(now: Date, settings: StoreSettings, in db: Database) throws -> Bool {
        let cutoff = StoredTime.microseconds(now) - Int64(settings.retention * 1_000_000)
        var more = try ProbeRows.delete(before: cutoff, limit: rowsPerStep, in: db)
        // Events are kept as long as the probes they were found in: windows reach no further.
        more = try EventRows.delete(before: cutoff, limit: rowsPerStep, in: db) || more
        let horizons = try RetentionHorizons(db)
        for span in RollupSpan.allCases {
            let horizon = horizons.oldestBucket(of: span)
            if horizon > .min {
                more = try Rollups.delete(span: span, before: horizon, limit: rowsPerStep, in: db) || more
                // Real traffic is kept as long as the probes' rollups of the same span.
                more = try TrafficRows.delete(span: span, before: horizon, limit: rowsPerStep, in: db) || more
            }
        }
        return more
    }
}

extension RetentionHorizons {
    /// The horizons recorded in the `retention_horizon` table.
    init(_ db: Database) throws {
        var oldest: [RollupSpan: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT span, oldest_bucket FROM retention_horizon") {
            if let span = RollupSpan(rawValue: row[0]) { oldest[span] = row[1] }
        }
        self.init(oldestBuckets: oldest)
    }
}
