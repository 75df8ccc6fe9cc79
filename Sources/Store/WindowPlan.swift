import Foundation

/// Which rollup rows answer a window: whole days in the middle, hours at the edges, minutes at
/// the very edges. Per key, a 30-day window reads about 30 day rows, at most 46 hour rows and
/// at most 118 minute rows, instead of tens of thousands of raw probes.
package struct WindowPlan {
    package struct Piece {
        package var span: RollupSpan
        /// Bucket starts in `[from, to)`, seconds since 1970.
        package var from: Int64
        package var to: Int64
    }

    /// The window actually covered, seconds since 1970: the request widened to minute edges,
    /// and to hour or day edges where pruning removed the finer rows.
    package let since: Int64
    package let until: Int64
    package let pieces: [Piece]

    package init(since: Date, until: Date, horizons: RetentionHorizons) {
        var start = RollupSpan.minute.floor(since.secondsSince1970(rounded: .down))
        var end = RollupSpan.minute.ceil(until.secondsSince1970(rounded: .up))
        // An edge that would need buckets older than a span's horizon widens to the next
        // coarser span, whose buckets are kept longer.
        for (finer, coarser) in zip(RollupSpan.allCases, RollupSpan.allCases.dropFirst()) {
            let horizon = horizons.oldestBucket(of: finer)
            if start < horizon { start = coarser.floor(start) }
            if coarser.floor(end) < horizon { end = coarser.ceil(end) }
        }
        start = max(start, horizons.oldestBucket(of: .day))
        self.since = start
        self.until = max(start, end)
        var pieces: [Piece] = []
        Self.cover(from: start, to: end, spans: RollupSpan.allCases.reversed()[...], into: &pieces)
        self.pieces = pieces
    }

    /// Covers `[from, to)` with the coarsest buckets that fit, recursing into finer spans for
    /// the remainders at both ends. `from` and `to` are aligned to the finest span.
    private static func cover(from: Int64, to: Int64, spans: ArraySlice<RollupSpan>,
                              into pieces: inout [Piece]) {
        guard from < to, let span = spans.first else { return }
        let finer = spans.dropFirst()
        guard !finer.isEmpty else {
            pieces.append(Piece(span: span, from: from, to: to))
            return
        }
        let wholeFrom = span.ceil(from)
        let wholeTo = span.floor(to)
        if wholeFrom < wholeTo {
            pieces.append(Piece(span: span, from: wholeFrom, to: wholeTo))
            cover(from: from, to: wholeFrom, spans: finer, into: &pieces)
            cover(from: wholeTo, to: to, spans: finer, into: &pieces)
        } else {
            cover(from: from, to: to, spans: finer, into: &pieces)
        }
    }
}
