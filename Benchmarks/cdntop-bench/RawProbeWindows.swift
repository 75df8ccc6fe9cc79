import CDNTopCore
import Foundation
import Report
import Store

/// The figures with the rollups left out: every raw probe of the window read and folded, which
/// is what each window query and report would cost if cdntop kept no rollups. It is the peer
/// the rollup design is measured against, and its probe counts check the rollups' counts.
enum RawProbeWindows {
    /// The window aggregates and, when `chart` is given, each endpoint's chart points, in one
    /// pass over the raw probes of `[since, until)`.
    static func read(store: any ProbeStore, since: Date, until: Date,
                     chart: ChartSlicing?) throws -> (WindowAggregates, [String: [SparklinePoint]]) {
        var cells: [AggregateKey: ProbeAggregate] = [:]
        var slices: [String: [Int: ProbeAggregate]] = [:]
        try store.forEachProbe(since: since, until: until) { probe in
            cells[AggregateKey(endpoint: probe.endpoint, vantage: probe.vantage, popRegion: probe.popRegion),
                  default: ProbeAggregate()].add(probe)
            if let index = chart?.index(of: probe.timestamp) {
                slices[probe.endpoint, default: [:]][index, default: ProbeAggregate()].add(probe)
            }
        }
        let aggregates = WindowAggregates(since: since, until: until, cells: cells)
        guard let chart else { return (aggregates, [:]) }
        let points = slices.mapValues { byIndex in
            chart.points(byIndex.map { SeriesPoint(start: chart.since.addingTimeInterval(Double($0.key * chart.sliceSeconds)),
                                                   aggregate: $0.value) })
        }
        return (aggregates, points)
    }

    /// A report's analysis from raw probes, as `ReportBuilder.analyze` makes it from rollups.
    static func analysis(store: any ProbeStore, window: ReportWindow, now: Date) throws -> SiteAnalysis {
        let chart = ChartSlicing(window: window, until: now, maxSlices: ReportBuilder.maxSlices)
        let (aggregates, series) = try read(store: store, since: now - window.seconds, until: now, chart: chart)
        return SiteAnalyzer.analyze(site: GeneratedProbes.site, window: window, endpoints: try store.endpoints(),
                                    aggregates: aggregates, chart: chart, series: series)
    }
}
