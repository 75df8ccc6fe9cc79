import Foundation

/// The analysis of one site over one window: what a snapshot report says and what the UI's
/// panels draw. Every figure carries its sample count; `since`/`until` are the window the
/// rollups actually covered (widened to whole buckets, never narrowed).
public struct SiteAnalysis: Sendable, Hashable {
    public var site: String
    public var window: ReportWindow
    public var since: Date
    public var until: Date
    public var endpoints: [EndpointSummary]
    /// Vantage regions as rows, endpoints as cells.
    public var regions: [RegionRow]
    /// The POP regions that served as rows, endpoints as cells.
    public var popRegions: [POPRegionRow]
    /// How each endpoint's `series` cuts the window into slices.
    public var chart: ChartSlicing
    /// The site's endpoint marked `origin = true` in the database, whether or not it was
    /// probed in this window.
    public var originEndpoint: StoredEndpoint?
    /// That endpoint's figures when it has probes in the window, and each other endpoint against it.
    public var origin: EndpointSummary?
    public var originComparisons: [OriginComparison]
    public var vantages: [Vantage]
    /// Threshold breaches over the window: set by the loader when thresholds are known (a
    /// config was given), `notConfigured` otherwise.
    public var alerts: AlertSummary = .notConfigured
    /// The agents heard from in the window (all sites share them), for "silent" and backlogs.
    public var agents = AgentRoster([], since: .distantFuture)
    /// The real traffic of the window from the site's CDN access logs: set by the loader when
    /// it read a traffic store, nil otherwise (reports then say no logs were read).
    public var traffic: TrafficAnalysis?

    public var probes: Int { endpoints.reduce(0) { $0 + $1.probes } }

    /// The round scale every endpoint's chart shares, nil when no slice has a median.
    public var chartScale: ChartScale? { ChartScale(fitting: endpoints.map(\.series)) }
}

/// One POP region's row of the region table: every vantage's probes that this region served.
public struct POPRegionRow: Sendable, Hashable {
    /// Nil for POPs whose region is unknown (or probes that got no response).
    public var region: Continent?
    public var cells: [RegionCell]

    public var label: String { region?.rawValue ?? "unknown POP" }
    public var best: String? { cells.fastest }
}

/// One vantage region's row of the region table.
public struct RegionRow: Sendable, Hashable {
    public var vantage: Vantage
    public var cells: [RegionCell]

    /// The endpoint with the lowest average TTFB in this row, the cell to highlight.
    public var best: String? { cells.fastest }
}

public struct RegionCell: Sendable, Hashable {
    public var endpoint: String
    public var probes: Int
    public var ttfb: LatencySummary?

    public init(endpoint: String, probes: Int, ttfb: LatencySummary?) {
        self.endpoint = endpoint
        self.probes = probes
        self.ttfb = ttfb
    }

    /// The cell of an endpoint's aggregate: its probe count and TTFB of the successful ones.
    public init(endpoint: String, aggregate: ProbeAggregate) {
        self.init(endpoint: endpoint, probes: aggregate.count, ttfb: LatencySummary(microseconds: aggregate.ttfb))
    }
}

extension Array where Element == RegionCell {
    /// The endpoint with the lowest average TTFB among these cells: a row's cell to highlight.
    public var fastest: String? {
        compactMap { cell in cell.ttfb.map { (cell.endpoint, $0.average) } }.min { $0.1 < $1.1 }?.0
    }
}

/// One CDN endpoint against its site's origin, by average TTFB of the successful probes
/// (the figure hosted monitors show, so the two can be set side by side).
public struct OriginComparison: Sendable, Hashable {
    public var endpoint: String
    public var endpointAverage: Double
    public var endpointSamples: Int
    public var originAverage: Double
    public var originSamples: Int

    /// Within this share of the origin's time, "1.0× faster" would be noise: call it a tie.
    static let tie = 0.05

    /// How many times faster than the origin (> 1) or slower (< 1).
    public var speedup: Double { originAverage / endpointAverage }
    public var isFaster: Bool { speedup >= 1 }
    public var isTie: Bool { abs(endpointAverage - originAverage) <= originAverage * Self.tie }
    /// "2.1× faster than origin", "1.6× slower than origin", "as fast as origin (within 5%)".
    public var phrase: String {
        if isTie { return "as fast as origin (within \(Int(Self.tie * 100))%)" }
        let factor = isFaster ? speedup : 1 / speedup
        return "\(NumberText.ratio(factor)) \(isFaster ? "faster" : "slower") than origin"
    }
}
