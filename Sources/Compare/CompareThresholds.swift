import CDNTopCore

/// The lines a comparison must not cross (`--max-p95`, `--min-hit-ratio`, `--max-error-rate`):
/// CI and scripts read the exit status, people read the breach naming the URL and the figure.
public struct CompareThresholds: Sendable, Equatable {
    /// Milliseconds of TTFB p95 over the successful probes.
    public var maxP95: Double?
    /// 0…1, hits over the responses that count towards the hit ratio.
    public var minHitRatio: Double?
    /// 0…1, failed probes over all probes.
    public var maxErrorRate: Double?

    public init(maxP95: Double? = nil, minHitRatio: Double? = nil, maxErrorRate: Double? = nil) {
        self.maxP95 = maxP95
        self.minHitRatio = minHitRatio
        self.maxErrorRate = maxErrorRate
    }

    /// One line crossed by one URL.
    public struct Breach: Sendable, Equatable, CustomStringConvertible {
        public var url: String
        /// "ttfb_p95_ms", "hit_ratio" or "error_rate", as the JSON names the figure.
        public var figure: String
        /// The measured figure in words with its n, or why there is none.
        public var measured: String
        public var limit: String

        public var description: String { "\(url): \(figure) \(measured), limit \(limit)" }
    }

    /// Every breach, in endpoint order. A URL without the figure a threshold needs (no
    /// successful probe for `--max-p95`, no cacheable response for `--min-hit-ratio`) breaches
    /// it: a check that cannot be made must not pass silently.
    public func breaches(in outcome: CompareOutcome) -> [Breach] {
        var found: [Breach] = []
        for summary in outcome.analysis.endpoints {
            let url = outcome.urls[summary.endpoint.name] ?? summary.endpoint.name
            if let maxP95 {
                let limit = "\(NumberText.milliseconds(maxP95)) ms"
                if let ttfb = summary.ttfb {
                    if ttfb.p95 > maxP95 {
                        found.append(Breach(url: url, figure: "ttfb_p95_ms", measured: "\(NumberText.milliseconds(ttfb.p95)) ms (n=\(ttfb.samples))", limit: limit))
                    }
                } else {
                    found.append(Breach(url: url, figure: "ttfb_p95_ms", measured: "unmeasured: no successful probe (n=\(summary.probes))", limit: limit))
                }
            }
            if let minHitRatio {
                let limit = NumberText.percent(minHitRatio)
                if let ratio = summary.cache.hitRatio {
                    if ratio < minHitRatio {
                        found.append(Breach(url: url, figure: "hit_ratio", measured: "\(NumberText.percent(ratio)) (n=\(summary.cache.samples))", limit: limit))
                    }
                } else {
                    found.append(Breach(url: url, figure: "hit_ratio", measured: "unmeasured: no cacheable response (n=\(summary.probes))", limit: limit))
                }
            }
            if let maxErrorRate, let success = summary.successRatio, 1 - success > maxErrorRate {
                found.append(Breach(url: url, figure: "error_rate", measured: "\(NumberText.percent(1 - success)) (\(summary.failed) of n=\(summary.probes))", limit: NumberText.percent(maxErrorRate)))
            }
        }
        return found
    }
}
