/// RFC 9211's `Cache-Status`: one list member per cache, in the order the response passed
/// them, so **the last member is the cache nearest the user**
/// (`"Netlify Durable"; hit, "Netlify Edge"; fwd=miss` was a miss at the edge).
///
/// Netlify sends it natively; any other provider may too, so it is also the fallback when a
/// provider's own header is missing.
enum CacheStatusField {
    static func read(_ headers: ResponseHeaders) -> CacheReading? {
        guard let nearest = headers.list("cache-status").last,
              let raw = headers.joined("cache-status").flatMap(ResponseHeaders.output) else { return nil }
        return CacheReading(status: status(of: nearest), raw: raw)
    }

    /// The status of one member, `<cache-name>; param; param=value`.
    ///
    /// - `hit`: served from cache; a negative `ttl` means the copy was already stale.
    /// - `fwd=stale`: the cache held an expired copy and asked the origin; a `fwd-status` of
    ///   304 means the copy was confirmed (REVALIDATED), anything else replaced it (EXPIRED).
    /// - `fwd=miss|uri-miss|vary-miss|partial`: nothing usable was stored (MISS).
    /// - `fwd=bypass|method|request`: the cache was not consulted by design (BYPASS).
    /// - neither: the member says nothing about this response's cache outcome.
    static func status(of member: Substring) -> CacheStatus? {
        let parameters = ResponseHeaders.split(member, on: ";").dropFirst().map(HeaderParameter.init)
        func value(_ key: String) -> String? {
            parameters.first { $0.key == key }?.value
        }
        let isHit = parameters.contains { $0.key == "hit" && ($0.value == nil || $0.value == "?1") }
        if isHit {
            let ttl = value("ttl").flatMap { Int($0) }
            return (ttl ?? 0) < 0 ? .stale : .hit
        }
        switch value("fwd")?.lowercased() {
        case "stale": return value("fwd-status") == "304" ? .revalidated : .expired
        case "miss", "uri-miss", "vary-miss", "partial": return .miss
        case "bypass", "method", "request": return .bypass
        default: return nil
        }
    }
}
