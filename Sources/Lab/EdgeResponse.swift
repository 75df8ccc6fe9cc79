import CDNTopCore

/// What one simulated edge answers to one request: status, headers following the provider's
/// real conventions (the table in `ProviderProfile`), and how long to wait before answering — the latency
/// is injected here, on the server side, because netem is not available.
public struct EdgeResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var delayMilliseconds: Double

    /// Decides the answer of `edge` at `pop` for a request to `location` (the URL asked for,
    /// used by the redirect loop). Jitter of ±15% keeps percentiles from being flat lines.
    public static func plan(_ edge: Scenario.Edge, pop: Scenario.PointOfPresence, location: String,
                            using random: inout some RandomNumberGenerator) -> EdgeResponse {
        let jitter = Double.random(in: 0.85...1.15, using: &random)
        let requestID = String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 16)
        if edge.redirectLoop {
            return EdgeResponse(status: 301, headers: [("Location", location)] + identity(edge, pop: pop, id: requestID),
                                delayMilliseconds: pop.hitMilliseconds * jitter)
        }
        if edge.isOrigin {
            return EdgeResponse(status: 200, headers: identity(edge, pop: pop, id: requestID),
                                delayMilliseconds: pop.missMilliseconds * jitter)
        }
        let draw = Double.random(in: 0..<1, using: &random)
        let cache: CacheStatus = draw < edge.hitRatio ? .hit : draw < edge.hitRatio + edge.staleRatio ? .stale : .miss
        let hit = cache != .miss
        var headers = identity(edge, pop: pop, id: requestID) + cacheHeaders(edge, cache: cache)
        headers.append(("Age", hit ? String(Int.random(in: 1...3600, using: &random)) : "0"))
        return EdgeResponse(status: 200, headers: headers,
                            delayMilliseconds: (hit ? pop.hitMilliseconds : pop.missMilliseconds) * jitter)
    }

    /// The headers that fingerprint the provider and name the POP.
    static func identity(_ edge: Scenario.Edge, pop: Scenario.PointOfPresence, id: String) -> [(String, String)] {
        switch edge.provider {
        case .fastly:
            let edgeNode = "cache-\(pop.code.lowercased())1-\(pop.code.uppercased())"
            let nodes = edge.shield.map { "cache-\($0.lowercased())1-\($0.uppercased()), \(edgeNode)" } ?? edgeNode
            return [("Via", "1.1 varnish"), ("X-Served-By", nodes), ("X-Timer", "S1700000000.000000,VS0,VE1")]
        case .bunny:
            return [("Server", "BunnyCDN-\(pop.code.uppercased())-601"), ("CDN-PullZone", "1"), ("CDN-RequestId", id)]
        case .cloudflare:
            let ray = String(repeating: "0", count: max(0, 16 - id.count)) + id
            return [("Server", "cloudflare"), ("CF-Ray", "\(ray.prefix(16))-\(pop.code.uppercased())")]
        case .keycdn:
            return [("Server", "keycdn-engine"), ("X-Edge-Location", pop.code.lowercased())]
        case .fly:
            return [("Server", "Fly/51ee4ef9"), ("Via", "1.1 fly.io"), ("Fly-Request-Id", "01LAB\(id.uppercased())-\(pop.code.lowercased())")]
        case .cloudfront:
            return [("Via", "1.1 \(id).cloudfront.net (CloudFront)"), ("X-Amz-Cf-Pop", "\(pop.code.uppercased())50-P1"), ("X-Amz-Cf-Id", id)]
        default:
            return [("Server", "cdntop-lab")]
        }
    }

    static func cacheHeaders(_ edge: Scenario.Edge, cache: CacheStatus) -> [(String, String)] {
        let word = cache.rawValue
        switch edge.provider {
        case .fastly:
            // One entry per node, the edge the client talked to last; a shield misses with its edge.
            return [("X-Cache", edge.shield == nil ? word : "MISS, \(word)")]
        case .bunny: return [("CDN-Cache", word)]
        case .cloudflare: return [("CF-Cache-Status", word)]
        case .keycdn: return [("X-Cache", word)]
        case .cloudfront: return [("X-Cache", cache == .miss ? "Miss from cloudfront" : "Hit from cloudfront")]
        default: return [("Cache-Status", "\"cdntop-lab\"; " + (cache == .miss ? "fwd=miss" : cache == .stale ? "fwd=stale" : "hit"))]
        }
    }
}
