import Foundation

/// One vantage's newest probe of an endpoint failed: the failure run it is part of, as the
/// store keeps it per (endpoint, vantage).
public struct FailingVantage: Sendable, Hashable {
    public var endpoint: String
    public var vantage: String
    /// The first probe of the run of failures the newest probe ends.
    public var since: Date
    /// The newest probe, the one that failed.
    public var latest: Date
    public var error: ProbeErrorClass

    public init(endpoint: String, vantage: String, since: Date, latest: Date, error: ProbeErrorClass) {
        self.endpoint = endpoint
        self.vantage = vantage
        self.since = since
        self.latest = latest
        self.error = error
    }
}

/// An endpoint that is failing right now, worded as the first line of the events log:
/// "failing since 21:43:07 · redirect_loop 1,157 of 1,157".
///
/// One per endpoint, not one per vantage: an outage seen from every region (the usual case: a
/// broken origin, a redirect loop) would otherwise fill the log with one line per agent saying
/// the same thing, on a panel read at a glance on a shared screen. The vantages are named only
/// when some of the endpoint's vantages still succeed, which is then the point of the line
/// ("only Asia fails"). The start is the earliest start among the failing vantages; the counts
/// are the endpoint's over the whole window, from the same aggregates as every other figure.
public struct OngoingFailure: Sendable, Hashable {
    public var endpoint: String
    /// The failing vantage labels, sorted; `everyVantage` when no vantage of the window succeeds.
    public var vantages: [String]
    public var everyVantage: Bool
    /// The earliest start of a failure run among the failing vantages.
    public var since: Date
    /// The newest failed probe.
    public var latest: Date
    /// Failures in the window by class, most first, and the window's counts.
    public var errors: [Count<ProbeErrorClass>]
    public var failed: Int
    public var probes: Int
    /// The start of the window the counts cover: a run that began earlier says so.
    public var windowStart: Date

    /// The failing endpoints among `failing`, in the analysis' endpoint order; endpoints the
    /// window has no probes of are left out (their counts would read "0 of 0").
    public static func list(_ failing: [FailingVantage], analysis: SiteAnalysis) -> [OngoingFailure] {
        let byEndpoint = Dictionary(grouping: failing, by: \.endpoint)
        return analysis.endpoints.compactMap { summary in
            guard let runs = byEndpoint[summary.endpoint.name], summary.failed > 0,
                  let since = runs.map(\.since).min(), let latest = runs.map(\.latest).max() else { return nil }
            let probing = Set(analysis.regions.filter { row in
                row.cells.contains { $0.endpoint == summary.endpoint.name && $0.probes > 0 }
            }.map(\.vantage.label))
            let labels = Set(runs.map(\.vantage))
            return OngoingFailure(endpoint: summary.endpoint.name, vantages: labels.sorted(),
                                  everyVantage: probing.isSubset(of: labels), since: since, latest: latest,
                                  errors: summary.errors, failed: summary.failed, probes: summary.probes,
                                  windowStart: analysis.since)
        }
    }

    /// "all vantages", or the failing ones: "ap-south, us-east".
    public var vantage: String { everyVantage ? "all vantages" : vantages.joined(separator: ", ") }

    /// "failing since 21:43:07 · redirect_loop 1,157 of 1,157", or "failing since before this
    /// window · timeout 40, http_status 3 of 1,157".
    public var text: String {
        let start = since < windowStart ? "before this window" : EventClock.text(since)
        let classes = errors.map { "\($0.label.rawValue) \(NumberText.count($0.count))" }.joined(separator: ", ")
        return "failing since \(start) · \(classes) of \(NumberText.count(probes))"
    }
}
