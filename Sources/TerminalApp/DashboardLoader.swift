import CDNTopCore
import Foundation
import Report
import Store
import UI

/// What the UI wants read: the site, the window, how many chart slices fit on screen,
/// and which endpoint's headers the detail view shows.
public struct DashboardRequest: Sendable, Hashable {
    public var site: String?
    public var window: ReportWindow
    public var chartSlices: Int
    public var detailEndpoint: String?

    public init(site: String?, window: ReportWindow, chartSlices: Int, detailEndpoint: String?) {
        self.site = site
        self.window = window
        self.chartSlices = chartSlices
        self.detailEndpoint = detailEndpoint
    }
}

/// Reads one `DashboardData` from the probe database: the site's analysis through the
/// report's loader (`SiteWindowLoader`, so the screen and `r`'s report agree), plus what only
/// the screen shows. Runs on the feed's thread only.
public enum DashboardLoader {
    /// Events read for the events log: more than any screen has rows; the rest are counted.
    static let eventLimit = 200
    /// Failed probes read for the detail view's recent errors.
    static let detailErrorLimit = 6
    /// How far back the events log lists breaches: the feed reloads after every round, and an
    /// hour of minute rollups is cheap to judge where a 30-day window's two days (all the
    /// minutes kept) are not. `cdntop report --config` lists the whole window's.
    static let alertHistory = 3600.0

    /// `thresholds`: the config's alert limits by endpoint name (empty: none configured);
    /// `traffic`: where the site's access-log traffic is stored, nil when there is none to read.
    public static func load(_ request: DashboardRequest, store: any ProbeStore, traffic: (any TrafficStore)? = nil,
                            configured: [StoredEndpoint], thresholds: [String: AlertThresholds] = [:],
                            now: Date) throws -> DashboardData {
        let catalog = try store.endpoints()
        let sites = Array(Set(catalog.map(\.site) + configured.map(\.site))).sorted()
        // The same rule as the report's, except that the screen always shows a site: with
        // several and none chosen it starts on the first.
        let site = (try? SiteWindowLoader.chooseSite(asked: request.site.flatMap { sites.contains($0) ? $0 : nil },
                                                     configured: configured.first?.site, known: sites)) ?? sites.first
        var data = DashboardData(databasePath: store.location, sites: sites, site: site, window: request.window, loadedAt: now)
        guard let site else { return data }

        let analysis = try SiteWindowLoader.analyze(store: store, site: site, window: request.window,
                                                    maxSlices: request.chartSlices, endpoints: catalog, now: now)
        data.analysis = analysis.probes > 0 ? analysis : nil
        data.analysis?.alerts = try AlertLoader.alerts(store: store, site: site, endpoints: catalog, thresholds: thresholds,
                                                       since: max(analysis.since, now.addingTimeInterval(-alertHistory)), now: now)

        let latest = Dictionary(try store.newestProbes(site: site).map { ($0.endpoint, $0) }) { first, _ in first }
        data.latest = latest
        let log = try store.events(since: analysis.since, until: now, site: site, limit: eventLimit)
        (data.events, data.moreEvents) = (log.events, log.omitted)
        data.failures = OngoingFailure.list(log.failing, analysis: analysis)

        let names = analysis.endpoints.map(\.endpoint.name)
        let silent = (configured.filter { $0.site == site }.map(\.name) + catalog.filter { $0.site == site }.map(\.name))
            .filter { !names.contains($0) }
        data.endpointNames = names + silent.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if let traffic {
            data.traffic = try TrafficLoader.analyze(store: traffic, site: site, window: request.window, probes: data.analysis,
                                                     now: now)
            data.analysis?.traffic = data.traffic
        }
        if let endpoint = request.detailEndpoint {
            data.detailEndpoint = endpoint
            let lines = try store.lastHeaders(endpoint: endpoint, site: site, vantage: latest[endpoint]?.vantage.label)
            (data.detailHeaders, data.detailTrailers) = (lines.headers, lines.trailers)
            data.detailErrors = try store.recentFailures(endpoint: endpoint, site: site, limit: detailErrorLimit)
        }
        return data
    }
}
