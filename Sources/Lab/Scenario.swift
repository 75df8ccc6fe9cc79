import CDNTopCore

/// A simulated world for the offline lab: one site, the vantage regions probes come from,
/// and the edges (CDNs and the origin) with what a probe from each region sees there.
/// Scenarios are data files (`scenarios/*.toml`); see `ScenarioFile`.
public struct Scenario: Sendable, Hashable {
    public var name: String
    public var site: String
    /// How often the demo's agents probe, in seconds.
    public var interval: Double
    public var regions: [Vantage]
    public var edges: [Edge]

    /// One endpoint of the site as the lab serves it.
    public struct Edge: Sendable, Hashable {
        public var name: String
        public var provider: Provider
        public var isOrigin: Bool
        /// Share of requests served from the edge's cache (HIT).
        public var hitRatio: Double
        /// Serve-stale: share of requests answered at hit speed from an expired copy while the
        /// POP refreshes it (STALE). The rest, `1 − hitRatio − staleRatio`, go to the origin (MISS).
        public var staleRatio: Double
        /// A Fastly-style shield POP the misses pass through (`X-Served-By` lists it first).
        public var shield: String?
        /// Answers every request with a redirect to itself: the Host-override loop of
        /// Cloudflare in front of Fly without the enterprise plan.
        public var redirectLoop: Bool
        /// What a probe from each vantage region (by label) meets.
        public var pops: [String: PointOfPresence]
    }

    /// The POP a region's probes are routed to and the round trips behind a response there:
    /// region → POP, and POP → origin (through a shield, if any), plus the origin's own time.
    public struct PointOfPresence: Sendable, Hashable {
        public var code: String
        public var roundTripMilliseconds: Double
        public var originRoundTripMilliseconds: Double
        public var originMilliseconds: Double

        /// Served from the POP's cache: one round trip.
        public var hitMilliseconds: Double { roundTripMilliseconds }
        /// Fetched from the origin: the POP's round trip, the origin's, and the origin's work.
        /// An origin reached directly always pays this.
        public var missMilliseconds: Double { roundTripMilliseconds + originRoundTripMilliseconds + originMilliseconds }
    }
}
