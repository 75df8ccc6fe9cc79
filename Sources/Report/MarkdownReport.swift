import CDNTopCore
import Foundation

/// The snapshot report as GitHub-flavoured markdown, for issues and show notes.
public enum MarkdownReport {
    public static func render(_ analysis: SiteAnalysis, generatedAt: Date) -> String {
        var out: [String] = []
        out.append("# \(analysis.site) — \(analysis.window.phrase)")
        out.append("")
        out.append("\(UTC.minutes(analysis.since)) → \(UTC.minutes(analysis.until)) UTC · "
                   + "\(NumberText.count(analysis.probes, "probe")) · \(NumberText.count(analysis.vantages.count, "vantage region")) · "
                   + "generated \(UTC.minutes(generatedAt)) UTC by cdntop")
        out += agentLines(analysis, at: generatedAt)
        out += ["", "## Verdict", "", Verdict.paragraph(for: analysis)]
        out += endpointsTable(analysis)
        out += sparklines(analysis)
        out += regionTable(analysis)
        out += originSection(analysis)
        out += phasesTable(analysis)
        out += cacheTable(analysis)
        out += realTraffic(analysis.traffic)
        out += popsTable(analysis)
        out += errorsSection(analysis)
        out += alertsSection(analysis)
        out += methodology(analysis)
        // Names and labels come from configs and databases: no escape sequence reaches the file.
        return out.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { Sanitizer.clean(String($0)) }.joined(separator: "\n") + "\n"
    }

    /// Which agents the probes came from, and what a reader must know about them before
    /// trusting a region's figures: one gone quiet, one whose probes are still on their way.
    private static func agentLines(_ analysis: SiteAnalysis, at now: Date) -> [String] {
        let agents = analysis.agents.agents
        guard !agents.isEmpty else { return [] }
        var lines = ["", "Agents: " + agents.map { "\($0.region) (\($0.agent))" }.joined(separator: ", ")]
        for notice in analysis.agents.notices(at: now) {
            lines.append("- **\(notice.text)** as of \(UTC.minutes(now)) UTC")
        }
        return lines
    }

    private static func endpointsTable(_ analysis: SiteAnalysis) -> [String] {
        var rows = ["", "## Endpoints", "",
                    "| endpoint | provider | probes | ok | TTFB avg | p50 | p95 | p99 | total p50 | hit ratio |",
                    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
        for summary in analysis.endpoints {
            let ttfb = summary.ttfb
            rows.append(row([
                name(summary), summary.provider?.displayName ?? "unknown", NumberText.count(summary.probes),
                summary.successRatio.map(NumberText.percent) ?? "–",
                ms(ttfb?.average), ms(ttfb?.p50), ms(ttfb?.p95), ms(ttfb?.p99), ms(summary.total?.p50),
                hitRatio(summary),
            ]))
        }
        rows += ["", "Latency figures cover the successful probes only; failed probes are counted under Errors."]
        return rows
    }

    private static func sparklines(_ analysis: SiteAnalysis) -> [String] {
        guard let scale = analysis.chartScale else { return [] }
        let width = analysis.endpoints.map(\.endpoint.name.count).max() ?? 0
        var lines = ["", "## TTFB over the window", "", "```text"]
        for summary in analysis.endpoints {
            let label = summary.endpoint.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let median = summary.ttfb.map { "  p50 \(NumberText.milliseconds($0.p50)) ms (n=\(NumberText.count($0.samples)))" }
                ?? "  no successful probe (n=\(NumberText.count(summary.probes)))"
            lines.append("\(label)  \(Sparkline.render(summary.series, scale: scale))\(median)")
        }
        lines += ["```", "",
                  "One character = \(analysis.chart.phrase), slices on the UTC clock (the newest is still filling), median TTFB on one scale for all endpoints: \(scale.legend); "
                  + "× every probe failed; blank: no probes."]
        return lines
    }

    private static func regionTable(_ analysis: SiteAnalysis) -> [String] {
        guard !analysis.regions.isEmpty else { return [] }
        let names = analysis.endpoints.map(\.endpoint.name)
        var rows = ["", "## By vantage region", "", "TTFB average / p95 (successful probes).", "",
                    row(["vantage"] + names.map(cell)), "|---|" + String(repeating: "--:|", count: names.count)]
        for region in analysis.regions {
            let best = region.best
            let cells = names.map { name -> String in
                guard let found = region.cells.first(where: { $0.endpoint == name }) else { return "–" }
                guard let ttfb = found.ttfb else { return "failed (\(NumberText.count(found.probes)))" }
                let text = "\(NumberText.milliseconds(ttfb.average)) / \(NumberText.milliseconds(ttfb.p95)) ms (n=\(NumberText.count(ttfb.samples)))"
                return name == best && analysis.endpoints.count > 1 ? "**\(text)**" : text
            }
            rows.append(row([vantageName(region.vantage)] + cells))
        }
        if analysis.endpoints.count > 1 { rows += ["", "Bold: the lowest average in the row."] }
        return rows
    }

    private static func originSection(_ analysis: SiteAnalysis) -> [String] {
        guard let origin = analysis.origin else {
            let reason = analysis.originEndpoint.map { "The origin (\(cell($0.name))) has no probes in this window." }
                ?? "No endpoint of this site is marked `origin = true`."
            return ["", "## Against the origin", "", reason]
        }
        guard !analysis.originComparisons.isEmpty else {
            return ["", "## Against the origin", "", "The origin (\(origin.endpoint.name)) has no successful probe to compare with."]
        }
        return ["", "## Against the origin", ""] + analysis.originComparisons.map { comparison in
            "- **\(comparison.endpoint)**: \(comparison.phrase) (average TTFB "
                + "\(NumberText.milliseconds(comparison.endpointAverage)) ms, n=\(NumberText.count(comparison.endpointSamples)), "
                + "against \(NumberText.milliseconds(comparison.originAverage)) ms, n=\(NumberText.count(comparison.originSamples)))"
        }
    }

    private static func phasesTable(_ analysis: SiteAnalysis) -> [String] {
        var rows = ["", "## Where the time goes", "", "Median of each phase over the successful probes, in ms.", "",
                    "| endpoint | dns | connect | tls | ttfb | transfer | n |", "|---|--:|--:|--:|--:|--:|--:|"]
        for summary in analysis.endpoints {
            guard let phases = summary.phases else {
                rows.append(row([name(summary), "–", "–", "–", "–", "–", "0"]))
                continue
            }
            rows.append(row([name(summary)] + [phases.dns, phases.connect, phases.tls, phases.ttfb, phases.transfer]
                .map(NumberText.milliseconds) + [NumberText.count(phases.samples)]))
        }
        rows += ["", "dns, connect, tls and transfer are phase durations; ttfb is from the start of the request "
                 + "to the first response byte (curl's time_starttransfer), so it includes the phases before it."]
        return rows
    }

    private static func cacheTable(_ analysis: SiteAnalysis) -> [String] {
        let statuses = CacheStatus.allCases
        var rows = ["", "## Cache", "",
                    row(["endpoint", "hit ratio"] + statuses.map(\.rawValue) + ["no cache"]),
                    "|---|--:|" + String(repeating: "--:|", count: statuses.count + 1)]
        for summary in analysis.endpoints {
            // The verdicts of error responses (a redirect loop's 301s, a 503 page) are no
            // cache figures: an endpoint without a successful probe gets no cells at all.
            guard summary.ok > 0 else {
                rows.append(row([name(summary), hitRatio(summary)] + Array(repeating: "–", count: statuses.count + 1)))
                continue
            }
            rows.append(row([name(summary), hitRatio(summary)]
                + statuses.map { NumberText.count(summary.cache.count($0)) } + [NumberText.count(summary.cache.uncached)]))
        }
        rows += ["", "Hit ratio = (HIT + STALE + REVALIDATED) / (those + MISS + EXPIRED). BYPASS, DYNAMIC and "
                 + "responses with no cache layer are counted apart, not in the ratio."]
        return rows
    }

    private static func popsTable(_ analysis: SiteAnalysis) -> [String] {
        var rows = ["", "## POPs and protocols", "", "| endpoint | POPs that served (top 5) | HTTP versions |", "|---|---|---|"]
        for summary in analysis.endpoints {
            let pops = summary.pops.prefix(5).map { "\(popLabel($0.label, summary)) \(NumberText.count($0.count))" }
                .joined(separator: " · ")
            let versions = summary.httpVersions.map { "HTTP/\($0.label) \(NumberText.count($0.count))" }.joined(separator: " · ")
            rows.append(row([name(summary), pops.isEmpty ? "none reported" : pops, versions.isEmpty ? "–" : versions]))
        }
        return rows
    }

    /// The POP as its metro with the provider's own code beside it ("JNB Johannesburg (zajn)"),
    /// or the bare code when no metro is known.
    private static func popLabel(_ pop: String, _ summary: EndpointSummary) -> String {
        POPMetros.metro(provider: summary.provider, pop: pop)?.label(pop: pop) ?? pop
    }

    private static func errorsSection(_ analysis: SiteAnalysis) -> [String] {
        let failing = analysis.endpoints.filter { $0.failed > 0 }
        guard !failing.isEmpty else { return ["", "## Errors", "", "No probe failed in the window."] }
        var rows = ["", "## Errors", "", "| endpoint | failed | by class |", "|---|--:|---|"]
        for summary in failing {
            let classes = summary.errors.map { "\($0.label.rawValue) \(NumberText.count($0.count))" }.joined(separator: " · ")
            rows.append(row([name(summary), "\(NumberText.count(summary.failed)) of \(NumberText.count(summary.probes))", classes]))
        }
        return rows
    }

    /// Each breach with its start, end (or "ongoing") and worst figure; the thresholds come
    /// from the config `report --config` was given.
    private static func alertsSection(_ analysis: SiteAnalysis) -> [String] {
        guard let thresholds = analysis.alerts.thresholds else {
            return ["", "## Alerts", "", "No thresholds configured for this site's endpoints (max_p95, max_avg, "
                    + "min_hit_ratio or max_error_rate in the config the report was made with)."]
        }
        let limits = thresholds.sorted { $0.key < $1.key }.map { name, limits in
            "\(cell(name)) " + limits.limits.map { "\($0.kind.rawValue) \($0.kind.text($0.limit))" }.joined(separator: ", ")
                + " over \(HumanDuration.format(seconds: limits.window)) (n ≥ \(limits.minProbes))"
        }
        var rows = ["", "## Alerts", "", "Thresholds: " + limits.joined(separator: "; ") + "."]
        guard !analysis.alerts.episodes.isEmpty else { return rows + ["", "No threshold was breached in the window."] }
        rows += ["", "| endpoint | threshold | start (UTC) | end (UTC) | worst |", "|---|---|---|---|---|"]
        for episode in analysis.alerts.episodes {
            rows.append(row([cell(episode.endpoint), "\(episode.kind.rawValue) \(episode.kind.text(episode.worst.limit))",
                             UTC.minutes(episode.start), episode.end.map(UTC.minutes) ?? "ongoing", episode.worst.text]))
        }
        return rows
    }

    private static func methodology(_ analysis: SiteAnalysis) -> [String] {
        var rows = ["", "## Methodology", "",
                    "- Window: \(UTC.seconds(analysis.since)) to \(UTC.seconds(analysis.until)), read from the probe "
                    + "database's rollups (widened to whole buckets, never narrowed).",
                    "- Vantage regions: " + analysis.vantages.map(vantageName).joined(separator: "; ") + ".",
                    "- Each round probes every endpoint of the site at the same moment with the same request, each on a "
                    + "fresh connection (DNS, TCP and TLS paid every time, like a first visit).",
                    "- Percentiles come from mergeable sketches with at most 1% relative error; counts are exact.",
                    "- Endpoints:"]
        rows += analysis.endpoints.map { summary in
            "  - \(summary.endpoint.name)\(summary.endpoint.isOrigin ? " (origin)" : ""): \(summary.endpoint.url) — "
                + NumberText.count(summary.probes, "probe")
        }
        return rows
    }

    // MARK: Cells

    private static func name(_ summary: EndpointSummary) -> String {
        cell(summary.endpoint.name) + (summary.endpoint.isOrigin ? " (origin)" : "")
    }

    /// "75.0% (3/4)", "no cache" for an origin reached directly, "no successful probe" for
    /// an endpoint that never answered well: that one says nothing about caching.
    private static func hitRatio(_ summary: EndpointSummary) -> String {
        guard summary.ok > 0 else { return "no successful probe" }
        if let ratio = summary.cache.hitRatio {
            return "\(NumberText.percent(ratio)) (\(NumberText.count(summary.cache.hits))/\(NumberText.count(summary.cache.samples)))"
        }
        return summary.cache.uncached > 0 && summary.cache.counts.isEmpty ? "no cache" : "–"
    }

    private static func ms(_ value: Double?) -> String {
        value.map { "\(NumberText.milliseconds($0)) ms" } ?? "–"
    }

    private static func vantageName(_ vantage: Vantage) -> String {
        vantage.continent.map { "\($0.rawValue) · \(cell(vantage.label))" } ?? cell(vantage.label)
    }

    /// Escapes what would break a table cell; names come from config files and labels.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }

    static func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }
}

/// UTC times as reports print them.
enum UTC {
    static func minutes(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm") }
    static func seconds(_ date: Date) -> String { format(date, "yyyy-MM-dd'T'HH:mm:ss'Z'") }
    static func compact(_ date: Date) -> String { format(date, "yyyyMMdd'T'HHmmss'Z'") }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
