import Foundation

/// The finest grouping the probe database keeps: which endpoint, probed from where, served by
/// which POP region. Both the vantage-region table and the POP-region table come from it.
public struct AggregateKey: Sendable, Hashable {
    public var endpoint: String
    public var vantage: Vantage
    /// Nil when the POP is unknown or the probe got no response.
    public var popRegion: Continent?

    public init(endpoint: String, vantage: Vantage, popRegion: Continent?) {
        self.endpoint = endpoint
        self.vantage = vantage
        self.popRegion = popRegion
    }
}

/// An endpoint as seen from one vantage point: a row of the vantage-region table.
public struct EndpointVantage: Sendable, Hashable {
    public var endpoint: String
    public var vantage: Vantage

    public init(endpoint: String, vantage: Vantage) {
        self.endpoint = endpoint
        self.vantage = vantage
    }
}

/// An endpoint as served from one POP region: a row of the POP-region table.
public struct EndpointPOPRegion: Sendable, Hashable {
    public var endpoint: String
    public var popRegion: Continent?

    public init(endpoint: String, popRegion: Continent?) {
        self.endpoint = endpoint
        self.popRegion = popRegion
    }
}

/// Everything probed in one time window, per `AggregateKey`.
public struct WindowAggregates: Sendable, Hashable {
    /// The window the figures cover, `[since, until)`. Stored buckets are whole minutes,
    /// hours or days, so this is the requested window widened to bucket edges (and, for data
    /// older than the fine rollups are kept, to hour or day edges): show it with the figures.
    public var since: Date
    public var until: Date
    public var cells: [AggregateKey: ProbeAggregate]

    public init(since: Date, until: Date, cells: [AggregateKey: ProbeAggregate]) {
        self.since = since
        self.until = until
        self.cells = cells
    }

    /// The cells merged into coarser groups.
    public func merged<Group: Hashable>(by group: (AggregateKey) -> Group) -> [Group: ProbeAggregate] {
        var result: [Group: ProbeAggregate] = [:]
        for (key, aggregate) in cells {
            result[group(key), default: ProbeAggregate()].merge(aggregate)
        }
        return result
    }

    /// Per endpoint and vantage point, all POP regions together.
    public var byVantage: [EndpointVantage: ProbeAggregate] {
        merged { EndpointVantage(endpoint: $0.endpoint, vantage: $0.vantage) }
    }

    /// Per endpoint and POP region, all vantage points together.
    public var byPOPRegion: [EndpointPOPRegion: ProbeAggregate] {
        merged { EndpointPOPRegion(endpoint: $0.endpoint, popRegion: $0.popRegion) }
    }

    /// Per endpoint, everything together.
    public var byEndpoint: [String: ProbeAggregate] {
        merged(by: \.endpoint)
    }
}

/// One bucket of a time series: the aggregate of the probes whose timestamp falls in
/// `[start, start + bucket length)`.
public struct SeriesPoint: Sendable, Hashable {
    public var start: Date
    public var aggregate: ProbeAggregate

    public init(start: Date, aggregate: ProbeAggregate) {
        self.start = start
        self.aggregate = aggregate
    }
}

/// Per-bucket aggregates of each endpoint, for sparklines.
public struct TimeSeries: Sendable, Hashable {
    /// The window covered, `[since, until)`, aligned to whole buckets.
    public var since: Date
    public var until: Date
    /// The bucket length in seconds.
    public var bucketSeconds: Int
    /// Per endpoint name, the buckets that hold probes, oldest first. Buckets without probes
    /// are absent: a gap in probing is not a zero.
    public var points: [String: [SeriesPoint]]

    public init(since: Date, until: Date, bucketSeconds: Int, points: [String: [SeriesPoint]]) {
        self.since = since
        self.until = until
        self.bucketSeconds = bucketSeconds
        self.points = points
    }
}
