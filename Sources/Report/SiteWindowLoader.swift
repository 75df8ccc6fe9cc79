import CDNTopCore
import Foundation
import Store

/// Reads one site's window from the probe database and analyses it: the one loader behind the
/// snapshot report and the terminal UI, so both show the same figures, cut into the same
/// chart slices, for the same site.
public enum SiteWindowLoader {
    /// Raw probes a chart finer than a minute (the five-minute view) reads at most.
    static let rawProbeLimit = 50_000

    /// Which site a window is read for: the one asked for; else the configured one (the UI's
    /// first endpoint); else the only site in the database. Several sites and no choice is an
    /// error for a report, which must say which site it describes.
    public static func chooseSite(asked: String?, configured: String?, known: [String]) throws(ReportError) -> String {
        guard !known.isEmpty || asked != nil || configured != nil else { throw .noSites }
        if let asked {
            guard known.contains(asked) else { throw .unknownSite(asked, known: known) }
            return asked
        }
        if let configured { return configured }
        guard known.count == 1 else { throw .ambiguousSite(known: known) }
        return known[0]
    }

    /// The analysis of `site` over the window ending at `now`, its chart cut into at most
    /// `maxSlices` slices (`ChartSlicing`), with the breaches of `thresholds` (endpoint name →
    /// limits, from a config; empty: none configured).
    public static func analyze(store: any ProbeStore, site: String, window: ReportWindow, maxSlices: Int,
                               endpoints: [StoredEndpoint], thresholds: [String: AlertThresholds] = [:],
                               now: Date) throws -> SiteAnalysis {
        let since = now.addingTimeInterval(-window.seconds)
        let aggregates = try store.windowAggregates(since: since, until: now, site: site)
        let chart = ChartSlicing(window: window, until: now, maxSlices: maxSlices)
        var analysis = SiteAnalyzer.analyze(site: site, window: window, endpoints: endpoints, aggregates: aggregates,
                                            chart: chart, series: try series(chart, store: store, site: site))
        analysis.alerts = try AlertLoader.alerts(store: store, site: site, endpoints: endpoints, thresholds: thresholds,
                                                 since: since, now: now)
        analysis.agents = AgentRoster(try store.agents(), since: since)
        return analysis
    }

    /// Each endpoint's chart points: from raw probes for slices finer than a minute, from the
    /// rollup buckets that divide the slices otherwise.
    private static func series(_ chart: ChartSlicing, store: any ProbeStore, site: String) throws -> [String: [SparklinePoint]] {
        if chart.needsRawProbes {
            var byEndpoint: [String: [ProbeResult]] = [:]
            var read = 0
            try store.forEachProbe(since: chart.since, until: chart.until) { probe in
                guard probe.site == site, read < rawProbeLimit else { return }
                read += 1
                byEndpoint[probe.endpoint, default: []].append(probe)
            }
            return byEndpoint.mapValues { chart.points(probes: $0) }
        }
        let span = RollupSpan(rawValue: Int64(chart.bucketSeconds)) ?? .hour
        let series = try store.timeSeries(since: chart.since, until: chart.until, span: span, site: site)
        return series.points.mapValues { chart.points($0) }
    }
}
