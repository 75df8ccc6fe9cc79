import CDNTopCore
import Foundation

/// What the data feed read from the probe database for one site and window: an immutable
/// snapshot handed from the feed's thread to the UI loop. The UI never queries the database
/// itself, so a locked or huge database can slow the feed but never the screen.
public struct DashboardData: Sendable {
    public var databasePath: String
    /// Every site in the database, sorted.
    public var sites: [String]
    /// The site shown; nil while the database holds no probes.
    public var site: String?
    public var window: ReportWindow
    /// The site's analysis over the window; nil when the window holds no probes.
    public var analysis: SiteAnalysis?
    /// Endpoints of the site, in the order rows are drawn: the analysis' endpoints, then
    /// endpoints known from the database or config but silent in this window.
    public var endpointNames: [String]
    /// The newest probe of each endpoint, whatever the window.
    public var latest: [String: ProbeResult]
    /// The window's events, newest first (cache flips folded per endpoint), from the store.
    public var events: [ProbeEvent]
    /// Events of the window the store left out of `events` (beyond the limit asked for).
    public var moreEvents: Int
    /// Endpoints failing as of their newest probes: pinned above the events.
    public var failures: [OngoingFailure]
    /// The newest response headers of `detailEndpoint`, the endpoint the request asked
    /// details for (nil: none asked), so the detail view can tell "loading" from "none".
    public var detailHeaders: [HTTPHeader]
    /// The chunked trailers that followed that response's body: shown apart, never classified.
    public var detailTrailers: [HTTPHeader] = []
    /// The newest failed probes of `detailEndpoint`, newest first, whatever the window.
    public var detailErrors: [ProbeResult]
    public var detailEndpoint: String?
    /// The site's real traffic over the window, from its CDN access logs: nil when no traffic
    /// store was read, empty (`isEmpty`) when nothing was ingested for the window.
    public var traffic: TrafficAnalysis?
    public var loadedAt: Date
    /// Set when the database could not be read; the previous figures stay on screen.
    public var problem: String?

    public init(databasePath: String, sites: [String] = [], site: String? = nil, window: ReportWindow,
                analysis: SiteAnalysis? = nil, endpointNames: [String] = [],
                latest: [String: ProbeResult] = [:],
                events: [ProbeEvent] = [], moreEvents: Int = 0, failures: [OngoingFailure] = [],
                detailHeaders: [HTTPHeader] = [], detailErrors: [ProbeResult] = [],
                loadedAt: Date, problem: String? = nil) {
        self.databasePath = databasePath
        self.sites = sites
        self.site = site
        self.window = window
        self.analysis = analysis
        self.endpointNames = endpointNames
        self.latest = latest
        self.events = events
        self.moreEvents = moreEvents
        self.failures = failures
        self.detailHeaders = detailHeaders
        self.detailErrors = detailErrors
        detailEndpoint = nil
        self.loadedAt = loadedAt
        self.problem = problem
    }

    /// The newest probe of the site, for "last round 12 s ago".
    public var lastProbeAt: Date? { latest.values.map(\.timestamp).max() }

    public func summary(of endpoint: String) -> EndpointSummary? {
        analysis?.endpoints.first { $0.endpoint.name == endpoint }
    }
}

/// A row of the region table in either view: a vantage region, or the POP region that served.
public struct RegionTableRow: Sendable, Hashable {
    public var label: String
    public var cells: [RegionCell]

    public init(label: String, cells: [RegionCell]) {
        self.label = label
        self.cells = cells
    }

    /// The endpoint with the lowest average TTFB in this row.
    public var best: String? { cells.fastest }

    /// The vantage view's rows, from the analysis; `withContinent` adds "(Europe)" to labels
    /// that do not say it already, when there is room.
    public static func vantageRows(_ analysis: SiteAnalysis, withContinent: Bool) -> [RegionTableRow] {
        analysis.regions.map { row in
            var label = row.vantage.label
            if withContinent, let continent = row.vantage.continent, continent.rawValue != label {
                label += " (\(continent.rawValue))"
            }
            return RegionTableRow(label: label, cells: row.cells)
        }
    }

    /// The POP view's rows, from the analysis.
    public static func popRegionRows(_ analysis: SiteAnalysis) -> [RegionTableRow] {
        analysis.popRegions.map { RegionTableRow(label: $0.label, cells: $0.cells) }
    }
}
