import CDNTopCore
import Synchronization

/// What the agent has done since it started, as Prometheus metrics: fed once per stored
/// round, read by every scrape from the listener's thread.
///
/// Names follow blackbox_exporter where one fits (`probe_success`, `probe_duration_seconds`,
/// `probe_http_status_code`) under the `cdntop_` prefix. Labels are the endpoint, its site,
/// its provider and the vantage region: all from the config, so a series per endpoint and
/// never one per POP, URL or error text.
public final class AgentMetrics: Sendable {
    /// Histogram bucket bounds in seconds: Prometheus' defaults, which span a cache hit on a
    /// nearby POP to a probe near its timeout.
    static let bucketBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// The phases in probe order, with their label values.
    static let phases: [(label: String, value: @Sendable (PhaseTimings) -> Int64)] = [
        ("dns", { $0.dns }), ("connect", { $0.connect }), ("tls", { $0.tls }),
        ("ttfb", { $0.ttfb }), ("transfer", { $0.transfer }), ("total", { $0.total }),
    ]

    private let state = Mutex(State())

    public init() {}

    /// Counts a round's probes.
    public func record(_ results: [ProbeResult]) {
        state.withLock { state in
            for result in results { state.add(result) }
        }
    }

    /// Replaces the alert state: every configured limit of every endpoint, firing or not.
    public func setAlerts(_ limits: [AlertLimitState]) {
        state.withLock { $0.alerts = limits }
    }

    /// The exposition, in a stable order (endpoints sorted, phases in probe order).
    public func exposition() -> String {
        state.withLock { $0.render() }
    }

    /// One configured limit of one endpoint, and whether it is breaching now.
    public struct AlertLimitState: Sendable, Hashable {
        public var endpoint: String
        public var site: String
        public var kind: AlertKind
        public var firing: Bool

        public init(endpoint: String, site: String, kind: AlertKind, firing: Bool) {
            self.endpoint = endpoint
            self.site = site
            self.kind = kind
            self.firing = firing
        }
    }
}

/// Everything counted, under the registry's lock.
private struct State {
    var byEndpoint: [SeriesKey: EndpointSeries] = [:]
    var alerts: [AgentMetrics.AlertLimitState] = []

    struct SeriesKey: Hashable, Comparable {
        var site: String
        var endpoint: String

        static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool { (lhs.site, lhs.endpoint) < (rhs.site, rhs.endpoint) }
    }

    mutating func add(_ result: ProbeResult) {
        let key = SeriesKey(site: result.site, endpoint: result.endpoint)
        if byEndpoint[key] == nil {
            // The provider label is fixed at the first probe (configured, else detected), so a
            // detection that changes later does not split the endpoint's series.
            byEndpoint[key] = EndpointSeries(labels: PrometheusText.labels([
                ("endpoint", result.endpoint), ("site", result.site),
                ("provider", result.provider?.rawValue ?? "unknown"), ("region", result.vantage.label),
            ]))
        }
        byEndpoint[key]?.add(result)
    }

    func render() -> String {
        var out = PrometheusText()
        let series = byEndpoint.sorted { $0.key < $1.key }.map(\.value)
        out.family("cdntop_probes_total", type: "counter", help: "Probes run by this agent.")
        for entry in series { out.sample("cdntop_probes_total", entry.labels, Double(entry.probes)) }
        out.family("cdntop_probe_success", type: "gauge", help: "Whether the newest probe succeeded (1) or failed (0).")
        for entry in series { out.sample("cdntop_probe_success", entry.labels, entry.lastSuccess ? 1 : 0) }
        out.family("cdntop_probe_http_status_code", type: "gauge",
                   help: "HTTP status of the newest probe's final response, 0 when it got none.")
        for entry in series { out.sample("cdntop_probe_http_status_code", entry.labels, Double(entry.lastStatus)) }
        out.family("cdntop_probe_failures_total", type: "counter", help: "Failed probes by error class.")
        for entry in series {
            for (error, count) in entry.failures.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                out.sample("cdntop_probe_failures_total", PrometheusText.labels(entry.labels, ("error", error.rawValue)), Double(count))
            }
        }
        out.family("cdntop_cache_responses_total", type: "counter",
                   help: "Responses by cache verdict; cache=\"none\" where no cache layer was reported.")
        for entry in series {
            for (cache, count) in entry.cache.sorted(by: { $0.key < $1.key }) {
                out.sample("cdntop_cache_responses_total", PrometheusText.labels(entry.labels, ("cache", cache)), Double(count))
            }
        }
        out.family("cdntop_probe_duration_seconds", type: "histogram",
                   help: "Phase durations of the successful probes, in seconds (phases are not cumulative).")
        for entry in series {
            for (phase, histogram) in zip(AgentMetrics.phases, entry.phases) {
                histogram.write("cdntop_probe_duration_seconds", PrometheusText.labels(entry.labels, ("phase", phase.label)), to: &out)
            }
        }
        out.family("cdntop_alert_firing", type: "gauge",
                   help: "Whether a configured threshold is breached now (1) or not (0), over its alert window.")
        // An endpoint not probed yet has no labels to give and nothing to breach.
        for alert in alerts.sorted(by: { ($0.site, $0.endpoint, $0.kind) < ($1.site, $1.endpoint, $1.kind) }) {
            guard let labels = byEndpoint[SeriesKey(site: alert.site, endpoint: alert.endpoint)]?.labels else { continue }
            out.sample("cdntop_alert_firing", PrometheusText.labels(labels, ("threshold", alert.kind.rawValue)), alert.firing ? 1 : 0)
        }
        return out.text
    }
}

/// One endpoint's counters, gauges and histograms.
private struct EndpointSeries {
    /// The endpoint's labels, rendered and escaped once.
    let labels: String
    var probes = 0
    var lastSuccess = false
    var lastStatus = 0
    var failures: [ProbeErrorClass: Int] = [:]
    /// By cache verdict (`HIT`, …), `none` for responses that reported no cache layer.
    var cache: [String: Int] = [:]
    var phases = AgentMetrics.phases.map { _ in Histogram() }

    mutating func add(_ result: ProbeResult) {
        probes += 1
        lastSuccess = result.ok
        lastStatus = result.status ?? 0
        if let error = result.error { failures[error, default: 0] += 1 }
        if result.status != nil { cache[result.cache?.rawValue ?? "none", default: 0] += 1 }
        guard result.ok else { return }
        for index in phases.indices {
            phases[index].observe(Double(AgentMetrics.phases[index].value(result.timings)) / 1_000_000)
        }
    }
}

/// A cumulative histogram over `AgentMetrics.bucketBounds`.
private struct Histogram {
    var counts = AgentMetrics.bucketBounds.map { _ in 0 }
    var count = 0
    var sum = 0.0

    mutating func observe(_ seconds: Double) {
        count += 1
        sum += seconds
        if let index = AgentMetrics.bucketBounds.firstIndex(where: { seconds <= $0 }) { counts[index] += 1 }
    }

    /// The `le` label of each bucket: the same on every scrape.
    static let bounds = AgentMetrics.bucketBounds.map { "le=\"\(PrometheusText.number($0))\"" }

    func write(_ name: String, _ labels: String, to out: inout PrometheusText) {
        var cumulative = 0
        for (bound, count) in zip(Self.bounds, counts) {
            cumulative += count
            out.sample(name + "_bucket", labels + "," + bound, Double(cumulative))
        }
        out.sample(name + "_bucket", labels + ",le=\"+Inf\"", Double(count))
        out.sample(name + "_sum", labels, sum)
        out.sample(name + "_count", labels, Double(count))
    }
}
