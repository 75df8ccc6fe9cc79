import CDNTopCore

extension JSONReport {
    /// The report's `traffic` object, from the site's CDN access logs. The whole object is
    /// null when no log line (read or malformed) lies in the window or no traffic was read;
    /// inside it, a `hit_ratio` or `factor` without a figure is null, never left out, and a
    /// list without entries is empty.
    struct TrafficJSON: Encodable {
        var requests: Int64
        var malformedLines: Int64
        var hitRatio: Nullable<Double>
        var cache: [String: Int64]
        var byContentType: [ContentJSON]
        var byHTTPVersion: [VersionJSON]
        var topMisses: [MissJSON]
        var changes: [ChangeJSON]

        enum CodingKeys: String, CodingKey {
            case requests, cache, changes
            case malformedLines = "malformed_lines"
            case hitRatio = "hit_ratio"
            case byContentType = "by_content_type"
            case byHTTPVersion = "by_http_version"
            case topMisses = "top_misses"
        }

        init?(_ traffic: TrafficAnalysis) {
            guard !traffic.isEmpty else { return nil }
            requests = traffic.requests
            malformedLines = traffic.malformedLines
            hitRatio = Nullable(traffic.total.cache.hitRatio.map(JSONReport.ratio))
            var cache = Dictionary(uniqueKeysWithValues: CacheStatus.allCases.map { ($0.rawValue, traffic.total.cache.count($0)) })
            cache["no_cache"] = traffic.total.cache.uncached
            self.cache = cache
            byContentType = traffic.byContent.map {
                ContentJSON(type: $0.content.rawValue, requests: $0.cache.requests, hitRatio: Nullable($0.cache.hitRatio.map(JSONReport.ratio)))
            }
            byHTTPVersion = traffic.httpVersions.map { VersionJSON(version: $0.label, requests: $0.count) }
            topMisses = traffic.topMisses.map { MissJSON(path: $0.label, misses: $0.count) }
            changes = traffic.changes.map(ChangeJSON.init)
        }
    }

    struct ContentJSON: Encodable {
        var type: String
        var requests: Int64
        var hitRatio: Nullable<Double>

        enum CodingKeys: String, CodingKey {
            case type, requests
            case hitRatio = "hit_ratio"
        }
    }

    struct VersionJSON: Encodable {
        var version: String
        var requests: Int
    }

    struct MissJSON: Encodable {
        var path: String
        var misses: Int
    }

    /// `what`: "misses" (`before`/`after` in misses per hour) or "hit_ratio" (0…1);
    /// `n_before`/`n_after`: the misses, or the requests counting towards the hit ratio.
    struct ChangeJSON: Encodable {
        var what: String
        var factor: Nullable<Double>
        var since: String
        var provider: String?
        var contentType: String?
        var before: Double
        var after: Double
        var nBefore: Int64
        var nAfter: Int64
        var windowSeconds: Double
        /// The window test's z score, signed: how far past noise the two windows differ.
        var z: Double
        var summary: String

        enum CodingKeys: String, CodingKey {
            case what, factor, since, provider, before, after, z, summary
            case contentType = "content_type"
            case nBefore = "n_before"
            case nAfter = "n_after"
            case windowSeconds = "window_s"
        }

        init(_ change: TrafficChange) {
            what = change.measure.rawValue
            factor = Nullable(change.factor.map { ($0 * 1000).rounded() / 1000 })
            since = UTC.seconds(change.since)
            provider = change.provider?.rawValue
            contentType = change.content?.rawValue
            before = change.measure == .misses ? rounded(change.before) : JSONReport.ratio(change.before)
            after = change.measure == .misses ? rounded(change.after) : JSONReport.ratio(change.after)
            nBefore = change.countBefore
            nAfter = change.countAfter
            windowSeconds = change.windowSeconds
            z = (change.z * 100).rounded() / 100
            summary = change.text
        }

        /// Provider and content type are null for "unknown" and "all requests": encoded, not left out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(what, forKey: .what)
            try container.encode(factor, forKey: .factor)
            try container.encode(since, forKey: .since)
            try container.encode(provider, forKey: .provider)
            try container.encode(contentType, forKey: .contentType)
            try container.encode(before, forKey: .before)
            try container.encode(after, forKey: .after)
            try container.encode(nBefore, forKey: .nBefore)
            try container.encode(nAfter, forKey: .nAfter)
            try container.encode(windowSeconds, forKey: .windowSeconds)
            try container.encode(z, forKey: .z)
            try container.encode(summary, forKey: .summary)
        }
    }

    /// A ratio to six decimals, as the endpoints' hit ratios.
    private static func ratio(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
}

/// An optional that encodes as `null` instead of being left out of its object.
struct Nullable<Value: Encodable>: Encodable {
    var value: Value?

    init(_ value: Value?) {
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
