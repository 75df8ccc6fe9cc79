/// Reads provider, cache status, POP and age from a response's headers.
///
/// ## Stacked providers
/// A site behind two layers shows headers from both (Cloudflare in front of Fly sends
/// `cf-ray` *and* `fly-request-id`; Fastly in front of an nginx origin sends `X-Served-By`
/// *and* `Server: nginx`). The provider reported is the **outermost**, the one the client
/// talked to:
/// 1. CDN edges outrank proxies and origin caches (Tigris, Fly, Varnish, nginx).
/// 2. Among several edges, the one the `Server` header names wins: edges that set `Server`
///    overwrite the origin's.
/// 3. Otherwise the edge named by the **last** `Via` entry: each proxy appends, so the last
///    entry is the one nearest the client.
/// 4. Otherwise the fixed order of `ProviderProfile.all` (Cloudflare, Akamai, Fastly,
///    CloudFront, Bunny, KeyCDN, Netlify, Vercel).
///
/// The cache status and POP come from the nearest layer that reports them. A layer without
/// a cache (Fly) or without POP names (nginx) is looked through; a layer that should report
/// but does not ends the search, so an inner cache's verdict is never credited to the edge.
/// RFC 9211 `Cache-Status` is the last resort for the cache status, from whoever sent it.
///
/// ## Configured provider
/// A provider named in the config is the label, and its headers are read first. When they
/// are missing (the config is wrong, or another layer strips them) the detected layers are
/// read instead, exactly as without a configured provider.
public enum Classifier {
    public static func classify(_ headers: [HTTPHeader], configuredProvider: Provider? = nil) -> Classification {
        let headers = ResponseHeaders(headers)
        let detected = ProviderStack.layers(of: headers)
        let configured = configuredProvider.flatMap(ProviderProfile.profile(for:))
        let path = Path(configured: configured, detected: detected)

        let cache = path.nearest(reportsIt: \.hasCache) { $0.cache.read(headers) }
            ?? CacheStatusField.read(headers)
        let pop = path.nearest(reportsIt: { $0.pop != nil }) { $0.pop?.read(headers) }
        return Classification(provider: configuredProvider ?? detected.first?.provider,
                              cache: cache?.status, cacheRaw: cache?.raw,
                              pop: pop?.code, popRegion: pop?.region,
                              age: age(headers))
    }

    /// Every header name (lowercase) the classification reads. The probe keeps these beyond
    /// its cap on header lines, so a flood of other headers cannot hide `X-Cache`.
    public static let headerNames: Set<String> = {
        var names: Set<String> = ["server", "via", "age", "cache-status"]
        for profile in ProviderProfile.all {
            names.formUnion(profile.ownHeaders)
            names.formUnion(profile.markers.map(\.header))
            names.formUnion(profile.cache.headerNames)
            if let pop = profile.pop { names.insert(pop.header) }
        }
        return names
    }()

    /// `Age` is a non-negative integer (RFC 9111); anything else is ignored rather than
    /// guessed at. Eighteen digits still fit in an `Int`.
    private static func age(_ headers: ResponseHeaders) -> Int? {
        guard let value = headers.last("age"), !value.isEmpty, value.count <= 18,
              value.allSatisfy(CodeText.isDigit) else { return nil }
        return Int(value)
    }

    /// The layers to read: the configured provider first, then the detected ones outermost
    /// first (the configured one again among them, in its detected place).
    private struct Path {
        var configured: ProviderProfile?
        var detected: [ProviderProfile]

        func nearest<Reading>(reportsIt: (ProviderProfile) -> Bool,
                              read: (ProviderProfile) -> Reading?) -> Reading? {
            if let configured, let reading = read(configured) { return reading }
            for layer in detected {
                if let reading = read(layer) { return reading }
                if reportsIt(layer) { return nil }
            }
            return nil
        }
    }
}

/// Orders the providers found in one response from the client inwards (see `Classifier`).
enum ProviderStack {
    static func layers(of headers: ResponseHeaders) -> [ProviderProfile] {
        let detected = ProviderProfile.all.filter { $0.isPresent(in: headers) }
        guard let outermost = outermostEdge(detected.filter { $0.layer == .edge }, headers) else {
            return detected
        }
        return [outermost] + detected.filter { $0.provider != outermost.provider }
    }

    private static func outermostEdge(_ edges: [ProviderProfile], _ headers: ResponseHeaders) -> ProviderProfile? {
        guard edges.count > 1 else { return edges.first }
        if let server = headers.last("server"),
           let named = edges.first(where: { $0.isNamed(byServer: server) }) {
            return named
        }
        for entry in headers.list("via").reversed() {
            if let appender = edges.first(where: { $0.appended(viaEntry: entry) }) { return appender }
        }
        return edges.first
    }
}
