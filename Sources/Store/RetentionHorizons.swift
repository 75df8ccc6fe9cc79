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
}
