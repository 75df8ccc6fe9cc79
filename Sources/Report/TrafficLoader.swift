import CDNTopCore
import Foundation
import Store

/// Reads a site's real traffic for a window from a traffic store and analyses it: the one
/// loader behind the traffic view and the report's "Real traffic" section, so both show the
/// same figures from the same buckets.
public enum TrafficLoader {
    /// Slices of the misses sparkline at most: the report's, so the screen shows the same chart.
    public static let maxSlices = ReportBuilder.maxSlices

    /// `probes`: the site's probe analysis of the same window (its hit ratios go beside the logs').
    public static func analyze(store: any TrafficStore, site: String, window: ReportWindow, probes: SiteAnalysis?,
                               now: Date) throws -> TrafficAnalysis {
        let plan = TrafficPlan(window: window, until: now)
        let span = RollupSpan(rawValue: plan.bucketSeconds) ?? .hour
        let minutes = try store.trafficWindow(since: plan.since, until: plan.until, site: site)
        let series = try store.trafficSeries(since: plan.seriesSince, until: plan.until, span: span, site: site)
        return TrafficAnalyzer.analyze(site: site, plan: plan, window: minutes, series: series, probes: probes,
                                       maxSlices: maxSlices)
    }
}
