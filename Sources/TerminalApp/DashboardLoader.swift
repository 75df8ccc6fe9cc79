import CDNTopCore
import Foundation
import Report
import Store
import UI

/// What the UI wants read: the site, the window, how many sparkline slices fit on screen,
/// and which endpoint's headers the detail view shows.
public struct DashboardRequest: Sendable, Hashable {
    public var site: String?
    public var window: ReportWindow
    public var sparklineSlices: Int
    public var detailEndpoint: String?

    public init(site: String?, window: ReportWindow, sparklineSlices: Int, detailEndpoint: String?) {
        self.site = site
        self.window = window
        self.sparklineSlices = sparklineSlices
        self.detailEndpoint = detailEndpoint
    }
}

/// Reads one `DashboardData` from the probe database. Runs on the feed's thread only.
public enum DashboardLoader {
    /// Events read for the events log: more than any screen has rows; the rest are counted.
    static let eventLimit = 200
    /// Failed probes read for the detail view's recent errors.
    static let detailErrorLimit = 6
    /// Raw probes a five-minute sparkline may read, at most.
    static let rawSparklineLimit = 50_000

    public static func load(_ request: DashboardRequest, store: ProbeStore, configured: [StoredEndpoint],
                            now: Date) throws -> DashboardData {
        let catalog = try store.endpoints()
        let sites = Array(Set(catalog.map(\.site) + configured.map(\.site))).sorted()
        let site = request.site.flatMap { sites.contains($0) ? $0 : nil } ?? configured.first?.site ?? sites.first
        var data = DashboardData(databasePath: store.path, sites: sites, site: site, window: request.window, loadedAt: now)
        guard let site else { return data }

        let since = now.addingTimeInterval(-request.window.seconds)
        let aggregates = try store.windowAggregates(since: since, until: now, site: site)
        // Minute rollups up to an hour (60 buckets); hour rollups beyond: a day of minute
        // buckets for 70 cells is 100k rollup rows, ten times slower to read than the screen
        // can use (measured in cdntop-bench).
        let span: RollupSpan = request.window.seconds <= 3600 ? .minute : .hour
        let series = try store.timeSeries(since: since, until: now, span: span, site: site)
        let analysis = SiteAnalyzer.analyze(site: site, window: request.window, endpoints: catalog,
                                            aggregates: aggregates, series: series)
        data.analysis = analysis.probes > 0 ? analysis : nil

        let latest = Dictionary(try store.newestProbes(site: site).map { ($0.endpoint, $0) }) { first, _ in first }
        data.latest = latest
        let log = try store.events(since: analysis.since, until: now, site: site, limit: eventLimit)
        (data.events, data.moreEvents) = (log.events, log.omitted)
        data.failures = OngoingFailure.list(log.failing, analysis: analysis)

        let names = analysis.endpoints.map(\.endpoint.name)
        let silent = (configured.filter { $0.site == site }.map(\.name) + catalog.filter { $0.site == site }.map(\.name))
            .filter { !names.contains($0) }
        data.endpointNames = names + silent.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        data.popRegionRows = RegionTableRow.popRegionRows(aggregates, order: names)
        (data.sparklines, data.sparklineSliceSeconds) = try sparklines(request, store: store, series: series,
                                                                        site: site, since: since, now: now)
        if let endpoint = request.detailEndpoint {
            data.detailEndpoint = endpoint
            data.detailHeaders = try store.lastHeaders(endpoint: endpoint, site: site, vantage: latest[endpoint]?.vantage.label)
            data.detailErrors = try store.recentFailures(endpoint: endpoint, site: site, limit: detailErrorLimit)
        }
        return data
    }

    /// Per endpoint, `request.sparklineSlices` points (or fewer, when the rollups are coarser):
    /// from raw probes for the five-minute window, from the rollup series otherwise.
    private static func sparklines(_ request: DashboardRequest, store: ProbeStore, series: TimeSeries, site: String,
                                   since: Date, now: Date) throws -> ([String: [SparklinePoint]], Double) {
        let slices = max(1, request.sparklineSlices)
        if request.window == .fiveMinutes {
            var byEndpoint: [String: [ProbeResult]] = [:]
            var read = 0
            try store.forEachProbe(since: since, until: nil) { probe in
                guard probe.site == site, read < rawSparklineLimit else { return }
                read += 1
                byEndpoint[probe.endpoint, default: []].append(probe)
            }
            let points = byEndpoint.mapValues { SparklineSlices.fromProbes($0, since: since, until: now, slices: slices) }
            return (points, request.window.seconds / Double(slices))
        }
        let buckets = Int((series.until.timeIntervalSince(series.since) / Double(series.bucketSeconds)).rounded(.up))
        let perCharacter = max(1, (buckets + slices - 1) / slices)
        let points = series.points.mapValues { SiteAnalyzer.sparkline($0, series: series, perCharacter: perCharacter) }
        return (points, Double(series.bucketSeconds * perCharacter))
    }
}
