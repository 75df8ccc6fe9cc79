import CDNTopCore
import Foundation

/// The snapshot report as JSON: the same numbers as the markdown, for scripts.
/// Milliseconds are rounded to the microsecond; keys are sorted so output is stable.
public enum JSONReport {
    public static func render(_ analysis: SiteAnalysis, generatedAt: Date) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(analysis, generatedAt: generatedAt)
        // Encoding plain structs of numbers and strings cannot fail.
        return String(decoding: try! encoder.encode(document), as: UTF8.self) + "\n"
    }

    struct Document: Encodable {
        var site: String
        var window: String
        var since: String
        var until: String
        var generatedAt: String
        var probes: Int
        var verdict: String
        var vantages: [VantageJSON]
        var endpoints: [EndpointJSON]
        var regions: [RegionJSON]
        var originComparison: [ComparisonJSON]
        var alerts: AlertsJSON
        var agents: [AgentJSON]
        var traffic: Nullable<TrafficJSON>

        enum CodingKeys: String, CodingKey {
            case site, window, since, until, probes, verdict, vantages, endpoints, regions, alerts, agents, traffic
            case generatedAt = "generated_at"
            case originComparison = "origin_comparison"
        }

        init(_ analysis: SiteAnalysis, generatedAt: Date) {
            site = analysis.site
            window = analysis.window.rawValue
            since = UTC.seconds(analysis.since)
            until = UTC.seconds(analysis.until)
            self.generatedAt = UTC.seconds(generatedAt)
            probes = analysis.probes
            verdict = Verdict.paragraph(for: analysis)
            vantages = analysis.vantages.map(VantageJSON.init)
            endpoints = analysis.endpoints.map(EndpointJSON.init)
            regions = analysis.regions.map(RegionJSON.init)
            originComparison = analysis.originComparisons.map(ComparisonJSON.init)
            alerts = AlertsJSON(analysis.alerts)
            traffic = Nullable(analysis.traffic.flatMap(TrafficJSON.init))
            let notices = analysis.agents.notices(at: generatedAt)
            agents = analysis.agents.agents.map { activity in
                AgentJSON(activity, notices: notices.filter { $0.agent == activity.agent })
            }
        }
    }

    /// One agent heard from in the window: `silent_s` is how long it has been quiet as of
    /// `generated_at` (null while it is not counted as quiet), `not_delivered` the probes its
    /// last status said were still waiting in its outbox (null when it never said).
    struct AgentJSON: Encodable {
        var agent: String
        var region: String
        var lastProbe: String?
        var silentSeconds: Int?
        var notDelivered: Int?

        enum CodingKeys: String, CodingKey {
            case agent, region
            case lastProbe = "last_probe"
            case silentSeconds = "silent_s"
            case notDelivered = "not_delivered"
        }

        init(_ activity: AgentActivity, notices: [AgentRoster.Notice]) {
            agent = activity.agent
            region = activity.region
            lastProbe = activity.lastProbe.map(UTC.seconds)
            notDelivered = activity.status?.waiting
            for notice in notices {
                if case .silent(let seconds) = notice.kind { silentSeconds = Int(seconds) }
            }
        }

        /// Explicit nulls: a script reads "not known" the same way for every agent.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(agent, forKey: .agent)
            try container.encode(region, forKey: .region)
            try container.encode(lastProbe, forKey: .lastProbe)
            try container.encode(silentSeconds, forKey: .silentSeconds)
            try container.encode(notDelivered, forKey: .notDelivered)
        }
    }

    /// `{"configured": false, "breaches": []}` without thresholds; each breach's figures in
    /// its `unit`: ms for latency, a 0…1 ratio otherwise.
    struct AlertsJSON: Encodable {
        var configured: Bool
        var breaches: [BreachJSON]

        init(_ summary: AlertSummary) {
            configured = summary.thresholds != nil
            breaches = summary.episodes.map(BreachJSON.init)
        }
    }

    struct BreachJSON: Encodable {
        var endpoint: String
        var threshold: String
        var unit: String
        var limit: Double
        var windowSeconds: Double
        var start: String
        /// Null while the breach lasts: encoded explicitly, not left out.
        var end: String?
        var worst: Double
        var worstN: Int

        enum CodingKeys: String, CodingKey {
            case endpoint, threshold, unit, limit, start, end, worst
            case windowSeconds = "window_s"
            case worstN = "worst_n"
        }

        init(_ episode: AlertEpisode) {
            let isLatency = episode.kind == .maxP95 || episode.kind == .maxAvg
            func figure(_ value: Double) -> Double { isLatency ? rounded(value * 1000) : (value * 1_000_000).rounded() / 1_000_000 }
            endpoint = episode.endpoint
            threshold = episode.kind.rawValue
            unit = isLatency ? "ms" : "ratio"
            limit = figure(episode.worst.limit)
            windowSeconds = episode.worst.window
            start = UTC.seconds(episode.start)
            end = episode.end.map(UTC.seconds)
            worst = figure(episode.worst.value)
            worstN = episode.worst.n
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(endpoint, forKey: .endpoint)
            try container.encode(threshold, forKey: .threshold)
            try container.encode(unit, forKey: .unit)
            try container.encode(limit, forKey: .limit)
            try container.encode(windowSeconds, forKey: .windowSeconds)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
            try container.encode(worst, forKey: .worst)
            try container.encode(worstN, forKey: .worstN)
        }
    }

    struct VantageJSON: Encodable {
        var label: String
        var continent: String?
        init(_ vantage: Vantage) {
            label = vantage.label
            continent = vantage.continent?.rawValue
        }
    }

    struct LatencyJSON: Encodable {
        var n: Int
        var avg, p50, p95, p99: Double
        init?(_ summary: LatencySummary?) {
            guard let summary else { return nil }
            n = summary.samples
            avg = rounded(summary.average)
            p50 = rounded(summary.p50)
            p95 = rounded(summary.p95)
            p99 = rounded(summary.p99)
        }
    }

    struct PhasesJSON: Encodable {
        var n: Int
        var dns, connect, tls, ttfb, transfer: Double
        init?(_ phases: PhaseMedians?) {
            guard let phases else { return nil }
            n = phases.samples
            dns = rounded(phases.dns)
            connect = rounded(phases.connect)
            tls = rounded(phases.tls)
            ttfb = rounded(phases.ttfb)
            transfer = rounded(phases.transfer)
        }
    }

    struct EndpointJSON: Encodable {
        var endpoint: String
        var url: String
        var origin: Bool
        var provider: String?
        var probes: Int
        var ok: Int
        var hitRatio: Double?
        var ttfbMs: LatencyJSON?
        var totalMs: LatencyJSON?
        var phaseMediansMs: PhasesJSON?
        var cache: [String: Int]
        var pops: [String: Int]
        var httpVersions: [String: Int]
        var errors: [String: Int]

        enum CodingKeys: String, CodingKey {
            case endpoint, url, origin, provider, probes, ok, cache, pops, errors
            case hitRatio = "hit_ratio"
            case ttfbMs = "ttfb_ms"
            case totalMs = "total_ms"
            case phaseMediansMs = "phase_medians_ms"
            case httpVersions = "http_versions"
        }

        init(_ summary: EndpointSummary) {
            endpoint = summary.endpoint.name
            url = summary.endpoint.url
            origin = summary.endpoint.isOrigin
            provider = summary.provider?.rawValue
            probes = summary.probes
            ok = summary.ok
            // As in the markdown: no hit ratio from the error responses of an endpoint that never succeeded.
            hitRatio = summary.ok == 0 ? nil : summary.cache.hitRatio.map { (($0 * 1e6).rounded()) / 1e6 }
            ttfbMs = LatencyJSON(summary.ttfb)
            totalMs = LatencyJSON(summary.total)
            phaseMediansMs = PhasesJSON(summary.phases)
            var cache = Dictionary(uniqueKeysWithValues: CacheStatus.allCases.map { ($0.rawValue, summary.cache.count($0)) })
            cache["no_cache"] = summary.cache.uncached
            self.cache = cache
            pops = Dictionary(uniqueKeysWithValues: summary.pops.map { ($0.label, $0.count) })
            httpVersions = Dictionary(uniqueKeysWithValues: summary.httpVersions.map { ($0.label, $0.count) })
            errors = Dictionary(uniqueKeysWithValues: summary.errors.map { ($0.label.rawValue, $0.count) })
        }
    }

    struct RegionJSON: Encodable {
        var vantage: String
        var continent: String?
        var best: String?
        var endpoints: [CellJSON]

        struct CellJSON: Encodable {
            var endpoint: String
            var probes: Int
            var ttfbMs: LatencyJSON?
            enum CodingKeys: String, CodingKey {
                case endpoint, probes
                case ttfbMs = "ttfb_ms"
            }
        }

        init(_ row: RegionRow) {
            vantage = row.vantage.label
            continent = row.vantage.continent?.rawValue
            best = row.best
            endpoints = row.cells.map { CellJSON(endpoint: $0.endpoint, probes: $0.probes, ttfbMs: LatencyJSON($0.ttfb)) }
        }
    }

    struct ComparisonJSON: Encodable {
        var endpoint: String
        var factor: Double
        var faster: Bool
        var endpointAvgTtfbMs: Double
        var originAvgTtfbMs: Double
        var summary: String

        enum CodingKeys: String, CodingKey {
            case endpoint, factor, faster, summary
            case endpointAvgTtfbMs = "endpoint_avg_ttfb_ms"
            case originAvgTtfbMs = "origin_avg_ttfb_ms"
        }

        init(_ comparison: OriginComparison) {
            endpoint = comparison.endpoint
            factor = (comparison.speedup * 1000).rounded() / 1000
            faster = comparison.isFaster
            endpointAvgTtfbMs = rounded(comparison.endpointAverage)
            originAvgTtfbMs = rounded(comparison.originAverage)
            summary = comparison.phrase
        }
    }
}

/// Milliseconds to the microsecond: the probes' own resolution.
func rounded(_ milliseconds: Double) -> Double {
    (milliseconds * 1000).rounded() / 1000
}
