import CDNTopCore
import Foundation

/// A `traffic_rollup` row's key: a site through a provider (its stored code, 0 for none) in
/// one bucket of one span. Ordered as the table's primary key, the order writers lock rows in.
package struct TrafficRollupKey: Hashable, Comparable {
    package var span: RollupSpan
    package var bucket: Int64
    package var site: String
    package var providerCode: Int

    package init(span: RollupSpan, bucket: Int64, site: String, providerCode: Int) {
        self.span = span
        self.bucket = bucket
        self.site = site
        self.providerCode = providerCode
    }

    package static func < (a: TrafficRollupKey, b: TrafficRollupKey) -> Bool {
        if a.span != b.span { return a.span.seconds < b.span.seconds }
        if a.bucket != b.bucket { return a.bucket < b.bucket }
        // Sites compare by their UTF-8 bytes, as SQLite's binary and PostgreSQL's "C"
        // collations do.
        if a.site != b.site { return a.site.utf8.lexicographicallyPrecedes(b.site.utf8) }
        return a.providerCode < b.providerCode
    }
}

/// One aggregate of a traffic window or series: a site through a provider, in one bucket
/// (the window's start for a whole window).
package struct TrafficCellKey: Hashable {
    package var site: String
    package var provider: Provider?
    package var bucket: Int64
}

/// Traffic rollups written and read the same way whichever engine stores them: the rows a
/// batch of minutes touches, how stored rows fold into a window or series, and the result's
/// order. Engines only run the SQL.
package enum TrafficAssembly {
    /// The batch merged per row of every span, ready to have each row's stored summary merged
    /// in (`TrafficCodec.merge`) and be written back.
    package static func rollups(of minutes: [TrafficMinute]) -> [TrafficRollupKey: TrafficMinute] {
        var grouped: [TrafficRollupKey: [TrafficMinute]] = [:]
        for minute in minutes {
            for span in RollupSpan.allCases {
                let key = TrafficRollupKey(span: span, bucket: span.floor(minute.minute), site: minute.site,
                                           providerCode: minute.provider?.storedCode ?? 0)
                grouped[key, default: []].append(minute)
            }
        }
        var merged: [TrafficRollupKey: TrafficMinute] = [:]
        for (key, group) in grouped {
            var aggregate = TrafficMinute(site: key.site, provider: group[0].provider, minute: key.bucket)
            aggregate.merge(contentsOf: group)
            merged[key] = aggregate
        }
        return merged
    }

    /// The buckets of a series: `[since, until)` widened to whole `span` buckets.
    package static func seriesBuckets(since: Date, until: Date, span: RollupSpan) -> (from: Int64, to: Int64) {
        (span.floor(since.secondsSince1970(rounded: .down)), span.ceil(until.secondsSince1970(rounded: .up)))
    }

    /// Folds one stored row into the cell `bucketOf` its bucket names. Engines read rows in
    /// key order, so both fold the same rows in the same order: the top-misses sketch, which
    /// keeps only so many paths, then comes out the same.
    package static func fold(bucket: Int64, site: String, providerCode: Int, summary: [UInt8],
                             into cells: inout [TrafficCellKey: TrafficMinute], bucketOf: (Int64) -> Int64) throws {
        let provider = providerCode == 0 ? nil : try Provider(storedCode: providerCode)
        let key = TrafficCellKey(site: site, provider: provider, bucket: bucketOf(bucket))
        try TrafficCodec.merge(summary, into: &cells[key, default: TrafficMinute(site: site, provider: provider, minute: key.bucket)])
    }

    /// The cells by site, provider and bucket: the order windows and series return.
    package static func sorted(_ cells: [TrafficCellKey: TrafficMinute]) -> [TrafficMinute] {
        cells.sorted { a, b in
            (a.key.site, a.key.provider?.rawValue ?? "", a.key.bucket) < (b.key.site, b.key.provider?.rawValue ?? "", b.key.bucket)
        }.map(\.value)
    }
}
