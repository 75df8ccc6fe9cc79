import CDNTopCore
import Foundation
import Report

/// How `cdntop compare` prints what it found.
public enum CompareFormat: String, CaseIterable, Sendable {
    /// One block per URL, for a terminal.
    case table
    /// One markdown table, to paste into an issue.
    case md
    case json
}

/// Renders a comparison. Every figure carries its n; every string a server or the command line
/// supplied was sanitized on the way in, and URLs are shown with their passwords masked.
public enum CompareRendering {
    public static func render(_ outcome: CompareOutcome, format: CompareFormat,
                              breaches: [CompareThresholds.Breach]) -> String {
        switch format {
        case .table: table(outcome)
        case .md: markdown(outcome)
        case .json: json(outcome, breaches: breaches)
        }
    }

    // MARK: The figures as words, shared by the table and the markdown

    static func provider(_ summary: EndpointSummary) -> String {
        summary.provider?.displayName ?? "unknown"
    }

    static func pops(_ outcome: CompareOutcome, _ summary: EndpointSummary) -> String {
        let metros = outcome.metros[summary.endpoint.name] ?? []
        guard !metros.isEmpty else { return "–" }
        return metros.map { "\($0.label) \($0.count)" }.joined(separator: ", ")
    }

    static func cache(_ summary: EndpointSummary) -> String {
        let counts = CacheStatus.allCases.compactMap { status -> String? in
            let count = summary.cache.count(status)
            return count > 0 ? "\(status.rawValue) \(count)" : nil
        } + (summary.cache.uncached > 0 ? ["none \(summary.cache.uncached)"] : [])
        guard !counts.isEmpty else { return "no response" }
        return counts.joined(separator: ", ")
    }

    static func hitRatio(_ summary: EndpointSummary) -> String {
        guard let ratio = summary.cache.hitRatio else { return "–" }
        return "\(NumberText.percent(ratio)) (\(summary.cache.hits)/\(summary.cache.samples))"
    }

    static func ttfb(_ summary: EndpointSummary) -> String {
        guard let ttfb = summary.ttfb else { return "no successful probe" }
        return "p50 \(ms(ttfb.p50)) · p95 \(ms(ttfb.p95)) (n=\(ttfb.samples))"
    }

    static func phases(_ summary: EndpointSummary) -> String {
        guard let phases = summary.phases else { return "–" }
        return "dns \(ms(phases.dns)) · connect \(ms(phases.connect)) · tls \(ms(phases.tls)) · "
            + "ttfb \(ms(phases.ttfb)) · transfer \(ms(phases.transfer)) (n=\(phases.samples))"
    }

    static func errors(_ summary: EndpointSummary) -> String {
        guard !summary.errors.isEmpty else { return "none" }
        return summary.errors.map { "\($0.label.rawValue) \($0.count)" }.joined(separator: ", ")
    }

    private static func ms(_ value: Double) -> String { "\(NumberText.milliseconds(value)) ms" }

    // MARK: Table

    static func table(_ outcome: CompareOutcome) -> String {
        var lines: [String] = []
        for summary in outcome.analysis.endpoints {
            let url = outcome.urls[summary.endpoint.name] ?? summary.endpoint.name
            lines.append("\(summary.endpoint.name)  \(url)")
            let rows: [(String, String)] = [
                ("provider", provider(summary)),
                ("POPs", pops(outcome, summary)),
                ("probes", "\(summary.ok) ok of n=\(summary.probes)"),
                ("cache", cache(summary)),
                ("hit ratio", hitRatio(summary)),
                ("TTFB", ttfb(summary)),
                ("phases p50", phases(summary)),
                ("errors", errors(summary)),
            ]
            for (label, value) in rows {
                lines.append("  " + label.padding(toLength: 11, withPad: " ", startingAt: 0) + value)
            }
            lines.append("")
        }
        lines.append("Verdict: " + verdict(outcome).replacingOccurrences(of: "**", with: ""))
        return lines.joined(separator: "\n") + "\n"
    }

    static func verdict(_ outcome: CompareOutcome) -> String {
        Verdict.paragraph(for: outcome.analysis, span: outcome.span)
    }

    // MARK: Markdown

    static func markdown(_ outcome: CompareOutcome) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var lines = [
            "### cdntop compare: \(outcome.span) from \(cell(outcome.vantage.label)), every \(HumanDuration.format(seconds: outcome.interval))",
            "",
            "| endpoint | provider | POPs | n | ok | TTFB p50 / p95 | phase medians | cache | hit ratio | errors |",
            "|---|---|---|--:|--:|--:|---|---|--:|---|",
        ]
        for summary in outcome.analysis.endpoints {
            let url = outcome.urls[summary.endpoint.name] ?? summary.endpoint.name
            let latency = summary.ttfb.map { "\(ms($0.p50)) / \(ms($0.p95))" } ?? "–"
            let cells = ["`\(url)`", provider(summary), pops(outcome, summary), "\(summary.probes)", "\(summary.ok)",
                         latency, phases(summary), cache(summary), hitRatio(summary), errors(summary)]
            lines.append("| " + cells.map(cell).joined(separator: " | ") + " |")
        }
        lines += ["", "**Verdict:** " + verdict(outcome), "",
                  "Latency figures cover the successful probes only; every URL was probed at the same moment "
                  + "in each round, on fresh connections."]
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    static func json(_ outcome: CompareOutcome, breaches: [CompareThresholds.Breach]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Plain structs of numbers and strings cannot fail to encode.
        return String(decoding: try! encoder.encode(Document(outcome, breaches: breaches)), as: UTF8.self) + "\n"
    }

    struct Document: Encodable {
        var rounds: Int
        var intervalMs: Double
        var region: String
        var startedAt: String
        var finishedAt: String
        var verdict: String
        var endpoints: [EndpointJSON]
        var breaches: [BreachJSON]

        enum CodingKeys: String, CodingKey {
            case rounds, region, verdict, endpoints, breaches
            case intervalMs = "interval_ms"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
        }

        init(_ outcome: CompareOutcome, breaches: [CompareThresholds.Breach]) {
            let formatter = ISO8601DateFormatter()
            rounds = outcome.rounds
            intervalMs = rounded(outcome.interval * 1000)
            region = outcome.vantage.label
            startedAt = formatter.string(from: outcome.startedAt)
            finishedAt = formatter.string(from: outcome.finishedAt)
            verdict = CompareRendering.verdict(outcome)
            endpoints = outcome.analysis.endpoints.map { EndpointJSON($0, outcome: outcome) }
            self.breaches = breaches.map(BreachJSON.init)
        }
    }

    struct EndpointJSON: Encodable {
        var name: String
        var url: String
        var provider: String?
        var n: Int
        var ok: Int
        var ttfbP50Ms: Double?
        var ttfbP95Ms: Double?
        var ttfbN: Int
        var phaseMediansMs: [String: Double]?
        var hitRatio: Double?
        var hitRatioN: Int
        var cache: [String: Int]
        var errors: [String: Int]
        var pops: [String: Int]

        enum CodingKeys: String, CodingKey {
            case name, url, provider, n, ok, cache, errors, pops
            case ttfbP50Ms = "ttfb_p50_ms"
            case ttfbP95Ms = "ttfb_p95_ms"
            case ttfbN = "ttfb_n"
            case phaseMediansMs = "phase_medians_ms"
            case hitRatio = "hit_ratio"
            case hitRatioN = "hit_ratio_n"
        }

        init(_ summary: EndpointSummary, outcome: CompareOutcome) {
            name = summary.endpoint.name
            url = outcome.urls[summary.endpoint.name] ?? summary.endpoint.url
            provider = summary.provider?.rawValue
            n = summary.probes
            ok = summary.ok
            ttfbP50Ms = summary.ttfb.map { rounded($0.p50) }
            ttfbP95Ms = summary.ttfb.map { rounded($0.p95) }
            ttfbN = summary.ttfb?.samples ?? 0
            phaseMediansMs = summary.phases.map {
                ["dns": rounded($0.dns), "connect": rounded($0.connect), "tls": rounded($0.tls),
                 "ttfb": rounded($0.ttfb), "transfer": rounded($0.transfer)]
            }
            hitRatio = summary.cache.hitRatio
            hitRatioN = summary.cache.samples
            var cache = Dictionary(uniqueKeysWithValues: summary.cache.counts.map { ($0.key.rawValue, $0.value) })
            if summary.cache.uncached > 0 { cache["none"] = summary.cache.uncached }
            self.cache = cache
            errors = Dictionary(uniqueKeysWithValues: summary.errors.map { ($0.label.rawValue, $0.count) })
            pops = Dictionary(uniqueKeysWithValues: (outcome.metros[summary.endpoint.name] ?? []).map { ($0.label, $0.count) })
        }

        /// Every key in every entry, a figure that was not measured as `null`: a script reads
        /// the same shape for a failing URL as for a healthy one.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(url, forKey: .url)
            try container.encode(provider, forKey: .provider)
            try container.encode(n, forKey: .n)
            try container.encode(ok, forKey: .ok)
            try container.encode(ttfbP50Ms, forKey: .ttfbP50Ms)
            try container.encode(ttfbP95Ms, forKey: .ttfbP95Ms)
            try container.encode(ttfbN, forKey: .ttfbN)
            try container.encode(phaseMediansMs, forKey: .phaseMediansMs)
            try container.encode(hitRatio, forKey: .hitRatio)
            try container.encode(hitRatioN, forKey: .hitRatioN)
            try container.encode(cache, forKey: .cache)
            try container.encode(errors, forKey: .errors)
            try container.encode(pops, forKey: .pops)
        }
    }

    struct BreachJSON: Encodable {
        var url: String
        var figure: String
        var measured: String
        var limit: String
        init(_ breach: CompareThresholds.Breach) {
            url = breach.url
            figure = breach.figure
            measured = breach.measured
            limit = breach.limit
        }
    }
}

/// Milliseconds to the microsecond, as the report's JSON writes them.
private func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
