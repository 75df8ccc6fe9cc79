import CDNTopCore
import Foundation
import Store

/// The figures with the rollups left out: every raw probe of the window read and folded, which
/// is what each window query and report would cost if cdntop kept no rollups. It is the peer
/// the rollup design is measured against, and its probe counts check the rollups' counts.
enum RawProbeWindows {
    /// The window aggregates and, when `bucketSeconds` is given, the sparkline series, in one
    /// pass over the raw probes of `[since, until)`.
    static func read(store: ProbeStore, since: Date, until: Date,
                     bucketSeconds: Int?) throws -> (WindowAggregates, TimeSeries?) {
        var cells: [AggregateKey: ProbeAggregate] = [:]
        var buckets: [String: [Int: ProbeAggregate]] = [:]
        try store.forEachProbe(since: since, until: until) { probe in
            cells[AggregateKey(endpoint: probe.endpoint, vantage: probe.vantage, popRegion: probe.popRegion),
                  default: ProbeAggregate()].add(probe)
            // Buckets on the epoch, as rollup buckets are.
            if let bucketSeconds {
                let bucket = Int(probe.timestamp.timeIntervalSince1970) / bucketSeconds
                buckets[probe.endpoint, default: [:]][bucket, default: ProbeAggregate()].add(probe)
            }
        }
        let aggregates = WindowAggregates(since: since, until: until, cells: cells)
        guard let bucketSeconds else { return (aggregates, nil) }
        let points = buckets.mapValues { byBucket in
            byBucket.sorted { $0.key < $1.key }.map {
                SeriesPoint(start: Date(timeIntervalSince1970: Double($0.key * bucketSeconds)), aggregate: $0.value)
            }
        }
        return (aggregates, TimeSeries(since: since, until: until, bucketSeconds: bucketSeconds, points: points))
    }

    /// A report's analysis from raw probes, as `ReportBuilder.analyze` makes it from rollups.
    static func analysis(store: ProbeStore, window: ReportWindow, now: Date) throws -> SiteAnalysis {
        let (aggregates, series) = try read(store: store, since: now - window.seconds, until: now,
                                            bucketSeconds: window.sparklineBuckets.bucketSeconds)
        return SiteAnalyzer.analyze(site: GeneratedProbes.site, window: window, endpoints: try store.endpoints(),
                                    aggregates: aggregates, series: series!)
    }
}
