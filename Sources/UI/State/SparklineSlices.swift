import CDNTopCore
import Foundation

/// Sparkline points from raw probes, for windows shorter than the finest rollup can draw
/// (five minutes of one-minute buckets would be five characters).
public enum SparklineSlices {
    /// `slices` equal slices of `[since, until)`, each with the median TTFB of its
    /// successful probes and its failure count, oldest first.
    public static func fromProbes(_ probes: [ProbeResult], since: Date, until: Date, slices: Int) -> [SparklinePoint] {
        guard slices > 0, until > since else { return [] }
        let length = until.timeIntervalSince(since) / Double(slices)
        var ttfbs = [[Double]](repeating: [], count: slices)
        var counts = [Int](repeating: 0, count: slices)
        var failures = [Int](repeating: 0, count: slices)
        for probe in probes {
            let index = Int(probe.timestamp.timeIntervalSince(since) / length)
            guard index >= 0, index < slices else { continue }
            counts[index] += 1
            if probe.ok { ttfbs[index].append(Double(probe.timings.ttfb) / 1000) } else { failures[index] += 1 }
        }
        return (0..<slices).map { index in
            SparklinePoint(start: since.addingTimeInterval(Double(index) * length), p50: median(ttfbs[index]),
                           probes: counts[index], failed: failures[index])
        }
    }

    /// The lower median, so the figure is one that was measured.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[(values.count - 1) / 2]
    }
}
