import CDNTopCore

/// The report's one paragraph in plain words: who was fastest, how each CDN did against the
/// origin, who is not caching, who is failing. Each claim carries the numbers behind it.
public enum Verdict {
    /// Below this hit ratio a CDN "is not caching" in the verdict's words.
    static let poorHitRatio = 0.9
    /// Above this failure share an endpoint's errors are worth a sentence.
    static let notableFailureShare = 0.01

    /// `span` names what the figures cover when it is not the analysis window ("20 rounds"
    /// of `cdntop compare`); such a run has no configured origin, so the sentence that asks
    /// for `origin = true` is left out.
    public static func paragraph(for analysis: SiteAnalysis, span: String? = nil) -> String {
        var sentences: [String] = []
        let over = span ?? "the \(analysis.window.phrase)"
        let regions = analysis.vantages.count
        let measured = analysis.endpoints.filter { $0.ttfb != nil }
        if let fastest = measured.min(by: { $0.ttfb!.p50 < $1.ttfb!.p50 }), let ttfb = fastest.ttfb {
            sentences.append("Over \(over), from \(NumberText.count(regions, "vantage region")), "
                + "**\(fastest.endpoint.name)** answered fastest: median TTFB \(NumberText.milliseconds(ttfb.p50)) ms "
                + "(n=\(NumberText.count(ttfb.samples))).")
        } else {
            sentences.append("Over \(over), no probe of \(analysis.site) succeeded, so there is no latency to compare.")
        }
        if let origin = analysis.origin, let originTTFB = origin.ttfb, !analysis.originComparisons.isEmpty {
            let parts = analysis.originComparisons.map { "\($0.endpoint) \($0.phrase.replacingOccurrences(of: " than origin", with: ""))" }
            sentences.append("Against the origin (\(origin.endpoint.name), average TTFB \(NumberText.milliseconds(originTTFB.average)) ms): "
                + parts.joined(separator: ", ") + ".")
            let slower = analysis.originComparisons.filter { !$0.isFaster && !$0.isTie }.map(\.endpoint)
            if !slower.isEmpty {
                sentences.append("\(list(slower)) made the site slower than no CDN at all.")
            }
        } else if let originEndpoint = analysis.originEndpoint, analysis.origin == nil {
            sentences.append("The origin (\(originEndpoint.name)) has no probes in this window, so there is no baseline to compare with.")
        } else if analysis.originEndpoint == nil, span == nil {
            sentences.append("No endpoint is marked `origin = true`, so there is no no-CDN baseline to compare with.")
        }
        // Only endpoints that answered: a failing one's error responses say nothing about caching.
        for summary in analysis.endpoints where !summary.endpoint.isOrigin && summary.ok > 0 {
            guard let ratio = summary.cache.hitRatio, ratio < poorHitRatio else { continue }
            sentences.append("\(summary.endpoint.name) served only \(NumberText.percent(ratio)) from cache "
                + "(\(NumberText.count(summary.cache.hits)) of \(NumberText.count(summary.cache.samples)) cacheable responses).")
        }
        for summary in analysis.endpoints {
            guard let success = summary.successRatio, 1 - success > notableFailureShare else { continue }
            let counts = "\(NumberText.count(summary.failed)) of \(NumberText.count(summary.probes))"
            guard summary.ok > 0 else {
                let classes = summary.errors.map { "\($0.label.rawValue) \(NumberText.count($0.count))" }
                sentences.append("\(summary.endpoint.name) failed every probe, so it has no latency or cache figures "
                    + "(\(counts): \(classes.joined(separator: ", "))).")
                continue
            }
            let main = summary.errors.first.map { ", mostly \($0.label.rawValue)" } ?? ""
            sentences.append("\(summary.endpoint.name) failed \(NumberText.percent(1 - success)) of its probes (\(counts)\(main)).")
        }
        return sentences.joined(separator: " ")
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
