import Foundation

/// How a latency chart cuts its window into slices. The screen and the report use this one rule.
///
/// Slices have round lengths (5 s, 1 min, 15 min, 1 h, 6 h…) and start on multiples of their
/// length since 1970 (UTC). Their edges do not move as time passes, so a probe stays in its
/// slice from one refresh to the next and a chart only changes when a probe lands or a new
/// slice begins. Counting slices back from "now" made the edges move on every refresh:
/// probes changed slices and a slow slice came and went on an unchanged database.
public struct ChartSlicing: Sendable, Hashable {
    /// The round lengths a slice may have, in seconds.
    static let lengths: [Int] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
                                 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800]

    /// Seconds one slice covers.
    public let sliceSeconds: Int
    /// The start of the first (oldest) slice, a multiple of `sliceSeconds`.
    public let since: Date
    /// How many slices, the last holding `until`: it is still filling.
    public let count: Int

    /// The shortest round slice that fits the window ending at `until` into at most `maxSlices`.
    ///
    /// A slice is never shorter than what the window's data source holds: raw probes only for
    /// the five-minute view, minute rollups up to an hour, hour rollups beyond — a day of
    /// minute rollups is a hundred thousand rows, ten times slower to read than a screen can
    /// use (measured in cdntop-bench).
    public init(window: ReportWindow, until: Date, maxSlices: Int) {
        let windowSeconds = Int(window.seconds)
        let shortest = windowSeconds <= 300 ? 1 : windowSeconds <= 3600 ? 60 : 3600
        let end = Int64(until.timeIntervalSince1970.rounded(.down))
        let start = end - Int64(windowSeconds)
        let fits = Self.lengths.filter { $0 >= shortest }
        let length = fits.first { Self.sliceCount(from: start, to: end, length: $0) <= max(1, maxSlices) }
            ?? fits.last ?? 86_400
        sliceSeconds = length
        let first = Self.floor(start, length)
        since = Date(timeIntervalSince1970: TimeInterval(first))
        count = Self.sliceCount(from: start, to: end, length: length)
    }

    /// The end of the newest slice.
    public var until: Date { since.addingTimeInterval(TimeInterval(sliceSeconds * count)) }

    /// True when the data must come from raw probes: the slices are finer than a minute.
    public var needsRawProbes: Bool { sliceSeconds < 60 }

    /// The rollup bucket length to read, in seconds: the longest of day, hour and minute that
    /// divides a slice.
    public var bucketSeconds: Int {
        sliceSeconds % 86_400 == 0 ? 86_400 : sliceSeconds % 3600 == 0 ? 3600 : 60
    }

    /// The slice holding `date`, nil outside the chart.
    public func index(of date: Date) -> Int? {
        let offset = date.timeIntervalSince(since)
        guard offset >= 0 else { return nil }
        let index = Int(offset / TimeInterval(sliceSeconds))
        return index < count ? index : nil
    }

    /// Rollup buckets merged into slices: a slice's median comes from the merged sketches of its
    /// buckets, so it is the median of the slice's probes (within the sketch's error), not a
    /// median of medians. Slices without a bucket stay empty: a gap is not a zero.
    public func points(_ buckets: [SeriesPoint]) -> [SparklinePoint] {
        var merged = [ProbeAggregate](repeating: ProbeAggregate(), count: count)
        for bucket in buckets {
            if let index = index(of: bucket.start) { merged[index].merge(bucket.aggregate) }
        }
        return merged.enumerated().map { index, aggregate in
            SparklinePoint(start: start(of: index), p50: aggregate.ttfb.quantile(0.5).map { $0 / 1000 },
                           probes: aggregate.count, failed: aggregate.count - aggregate.okCount)
        }
    }

    /// Raw probes sorted into slices, each with the lower median TTFB of its successful
    /// probes, so the figure drawn is one that was measured.
    public func points(probes: [ProbeResult]) -> [SparklinePoint] {
        var ttfbs = [[Double]](repeating: [], count: count)
        var counts = [Int](repeating: 0, count: count)
        for probe in probes {
            guard let index = index(of: probe.timestamp) else { continue }
            counts[index] += 1
            if probe.ok { ttfbs[index].append(Double(probe.timings.ttfb) / 1000) }
        }
        return (0..<count).map { index in
            let sorted = ttfbs[index].sorted()
            return SparklinePoint(start: start(of: index), p50: sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2],
                                  probes: counts[index], failed: counts[index] - sorted.count)
        }
    }

    /// "1 min", "15 min", "6 h": what one slice covers, as a chart's caption says it.
    public var phrase: String {
        for (unit, size) in [("d", 86_400), ("h", 3600), ("min", 60)] where sliceSeconds >= size && sliceSeconds % size == 0 {
            return "\(sliceSeconds / size) \(unit)"
        }
        return "\(sliceSeconds) s"
    }

    func start(of index: Int) -> Date { since.addingTimeInterval(TimeInterval(index * sliceSeconds)) }

    static func floor(_ seconds: Int64, _ length: Int) -> Int64 {
        let length = Int64(length)
        let remainder = seconds % length
        return seconds - (remainder < 0 ? remainder + length : remainder)
    }

    /// Slices from the one holding `from` to the one holding `to - 1 s`: the window's start
    /// slice is whole, the newest is the one still filling.
    static func sliceCount(from: Int64, to: Int64, length: Int) -> Int {
        Int((floor(to - 1, length) - floor(from, length)) / Int64(length)) + 1
    }
}
