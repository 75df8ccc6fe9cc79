import CDNTopCore

/// The report's "Real traffic" section: what the CDN access logs say beside the probes.
extension MarkdownReport {
    static func realTraffic(_ traffic: TrafficAnalysis?) -> [String] {
        var rows = ["", "## Real traffic", ""]
        guard let traffic, !traffic.isEmpty else {
            return rows + ["No access logs ingested for this window: `cdntop logs ingest --site SITE FILE…` reads a CDN's "
                           + "access logs, and this section then sets the hit ratio users got beside the probes'."]
        }
        rows.append("From the CDN access logs, \(UTC.minutes(traffic.plan.since)) → \(UTC.minutes(traffic.plan.until)) UTC: "
                    + NumberText.count(Int(traffic.requests), "request")
                    + (traffic.malformedLines > 0 ? ", \(NumberText.count(Int(traffic.malformedLines), "malformed line")) skipped" : "")
                    + ", hit ratio \(ratio(traffic.total.cache)).")
        rows += ["", "| provider | real hit ratio | probes' hit ratio | probed endpoints |", "|---|--:|--:|---|"]
        for provider in traffic.providers {
            rows.append(row([provider.provider?.displayName ?? "unknown", provider.real.map(ratio) ?? "no logs",
                             provider.probes.map(ratio) ?? "not probed",
                             provider.endpoints.isEmpty ? "–" : provider.endpoints.map(cell).joined(separator: ", ")]))
        }
        rows += ["", "The probes ask for the same page every round and keep it warm in the POPs they reach, so their hit "
                 + "ratio flatters the CDN; the logs count every request users made."]
        if !traffic.byContent.isEmpty {
            rows += ["", "| content type | requests | hit ratio |", "|---|--:|--:|"]
            rows += traffic.byContent.map { row([$0.content.rawValue, NumberText.count(Int($0.cache.requests)), ratio($0.cache)]) }
        }
        let versions = traffic.httpVersions.reduce(0) { $0 + $1.count }
        if versions > 0 {
            rows += ["", "HTTP versions: " + traffic.httpVersions.map {
                "HTTP/\($0.label) \(NumberText.percent(Double($0.count) / Double(versions))) (\(NumberText.count($0.count)))"
            }.joined(separator: " · ") + "."]
        }
        if let scale = traffic.missScale {
            rows += ["", "```text", "misses  \(traffic.missSparkline)", "```", "",
                     "One character = \(TrafficChange.span(Double(traffic.sliceSeconds))) of misses (MISS + EXPIRED), all providers: "
                     + "\(Sparkline.levels[0]) 0 … \(Sparkline.levels[Sparkline.levels.count - 1]) "
                     + "\(NumberText.count(Int(scale.high))); blank: no request."]
        }
        if !traffic.topMisses.isEmpty {
            rows += ["", "| missing path | misses |", "|---|--:|"]
            rows += traffic.topMisses.map { row([cell($0.label), NumberText.count($0.count)]) }
            if traffic.topMissesError > 0 {
                rows += ["", "Counts from a bounded sketch: each may be up to \(NumberText.count(Int(traffic.topMissesError))) too high."]
            }
        }
        rows += ["", "### Changes against the previous \(TrafficChange.span(traffic.plan.window.seconds))", ""]
        guard !traffic.changes.isEmpty else {
            return rows + ["No step change in misses or hit ratio (a change needs |z| ≥ 4 and at least a 2× factor in misses "
                           + "or 10 points of hit ratio)."]
        }
        return rows + traffic.changes.map { "- \($0.provider?.displayName ?? "unknown provider"): \($0.text)" }
    }

    /// "50.0% (600/1,200)", "–" when nothing counts towards it.
    private static func ratio(_ tally: CacheTally) -> String {
        tally.hitRatio.map { "\(NumberText.percent($0)) (\(NumberText.count(Int(tally.hits)))/\(NumberText.count(Int(tally.hitRatioSamples))))" } ?? "–"
    }

    private static func ratio(_ cache: CacheBreakdown) -> String {
        cache.hitRatio.map { "\(NumberText.percent($0)) (\(NumberText.count(cache.hits))/\(NumberText.count(cache.samples)))" } ?? "–"
    }
}
