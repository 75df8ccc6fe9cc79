import Foundation

/// Per span, the oldest bucket start that still holds all its probes. Spans never pruned have
/// no horizon: all their buckets are complete. Each engine reads them from its own table.
package struct RetentionHorizons: Sendable {
    private let oldestBucket: [RollupSpan: Int64]

    package init(oldestBuckets: [RollupSpan: Int64]) {
        oldestBucket = oldestBuckets
    }

    package func oldestBucket(of span: RollupSpan) -> Int64 {
        oldestBucket[span] ?? .min
    }

    /// Per span, the oldest bucket that stays complete once pruning as of `now` is done: whole
    /// buckets only, a bucket goes once all of it is older than its span's retention. Every
    /// engine records these (never moving a stored horizon back) before it deletes anything.
    package static func kept(now: Date, settings: StoreSettings) -> [(span: RollupSpan, oldestBucket: Int64)] {
        let nowSeconds = now.secondsSince1970(rounded: .down)
        return RollupSpan.allCases.map { span in
            let retention = span == .minute ? settings.minuteRollupRetention : settings.rollupRetention
            return (span, span.floor(nowSeconds - Int64(retention)))
        }
    }
}
