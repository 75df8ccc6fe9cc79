/// What cdntop knows about one provider (its provider conventions): how to
/// recognise it in a response, where it usually sits on the path, and where it reports its
/// cache verdict and POP.
struct ProviderProfile: Sendable {
    /// CDN edges face the client; proxies and origin caches sit behind them. When both kinds
    /// leak headers into one response, the edge is the outermost.
    enum Layer: Sendable {
        case edge
        case inner
    }

    var provider: Provider
    var layer: Layer
    /// Headers only this provider sets; any one of them identifies it.
    var ownHeaders: [String] = []
    /// Lowercase prefixes of the `Server` value this provider sets.
    var serverPrefixes: [String] = []
    /// Lowercase text inside a shared header that identifies this provider.
    var markers: [(header: String, text: String)] = []
    /// Lowercase text in the `Via` entry this provider appends. Used only to order edges:
    /// Fastly's `1.1 varnish` also appears on plain Varnish, so it cannot identify Fastly.
    var viaMarkers: [String] = []
    var cache: CacheSource
    var pop: POPSource?

    func isPresent(in headers: ResponseHeaders) -> Bool {
        ownHeaders.contains(where: headers.contains)
            || headers.last("server").map(isNamed(byServer:)) == true
            || markers.contains { marker in
                headers.joined(marker.header)?.lowercased().contains(marker.text) == true
            }
    }

    func isNamed(byServer server: String) -> Bool {
        let server = server.lowercased()
        return serverPrefixes.contains { server.hasPrefix($0) }
    }

    func appended(viaEntry entry: Substring) -> Bool {
        let entry = entry.lowercased()
        return viaMarkers.contains { entry.contains($0) }
    }

    /// Whether the provider has a cache at all; Fly's proxy does not.
    var hasCache: Bool {
        if case .none = cache { false } else { true }
    }

    /// The row of a provider; every `Provider` has one (a test keeps it so).
    static func profile(for provider: Provider) -> ProviderProfile? {
        all.first { $0.provider == provider }
    }

    /// One row per provider. The order matters twice: it is the fallback order among CDN edges
    /// (see `ProviderStack`), and among inner layers it runs from the client inwards.
    ///
    /// Edges: Cloudflare first because it is most often the layer put in front of another
    /// (it proxies whatever its DNS points at); Akamai, Fastly and CloudFront front origins;
    /// Bunny and KeyCDN are pull zones; Netlify and Vercel host the application itself and
    /// so are the innermost when stacked. Inner: Tigris runs on Fly's network, so Fly headers
    /// on a Tigris response are incidental; Fly's proxy fronts the app; Varnish and nginx are
    /// the app's own caches.
    static let all: [ProviderProfile] = [
        ProviderProfile(
            provider: .cloudflare, layer: .edge,
            ownHeaders: ["cf-ray", "cf-cache-status"],
            serverPrefixes: ["cloudflare"],
            viaMarkers: ["cloudflare"],
            cache: .listEntry(header: "cf-cache-status", nearest: .last, vocabulary: .cloudflare),
            pop: POPSource(header: "cf-ray", extraction: .afterLastHyphen, locator: .iata)),
        ProviderProfile(
            provider: .akamai, layer: .edge,
            ownHeaders: ["x-akamai-request-id", "akamai-cache-status", "akamai-grn"],
            serverPrefixes: ["akamaighost", "akamainetstorage"],
            markers: [("x-cache", "akamai")],
            viaMarkers: ["akamai"],
            cache: .firstPresent([
                .listEntry(header: "x-cache", nearest: .last, vocabulary: .akamai),
                .listEntry(header: "akamai-cache-status", nearest: .first, vocabulary: .akamai),
            ]),
            pop: POPSource(header: "x-cache", extraction: .akamaiEdgeIP, locator: .opaque)),
        ProviderProfile(
            provider: .fastly, layer: .edge,
            ownHeaders: ["x-fastly-request-id", "fastly-debug-digest"],
            markers: [("x-served-by", "cache-"), ("x-timer", ",vs0")],
            viaMarkers: ["varnish"],
            cache: .listEntry(header: "x-cache", nearest: .last, vocabulary: .fastly),
            pop: POPSource(header: "x-served-by", extraction: .afterLastHyphen, locator: .iata)),
        ProviderProfile(
            provider: .cloudfront, layer: .edge,
            ownHeaders: ["x-amz-cf-id", "x-amz-cf-pop"],
            serverPrefixes: ["cloudfront"],
            markers: [("via", "cloudfront.net"), ("x-cache", "from cloudfront")],
            viaMarkers: ["cloudfront"],
            cache: .listEntry(header: "x-cache", nearest: .last, vocabulary: .cloudfront),
            pop: POPSource(header: "x-amz-cf-pop", extraction: .whole, locator: .iata)),
        ProviderProfile(
            provider: .bunny, layer: .edge,
            ownHeaders: ["cdn-pullzone", "cdn-requestid", "cdn-cache"],
            serverPrefixes: ["bunnycdn"],
            viaMarkers: ["bunnycdn"],
            cache: .listEntry(header: "cdn-cache", nearest: .last, vocabulary: .plain),
            pop: POPSource(header: "server", extraction: .bunnyServer, locator: .bunny)),
        ProviderProfile(
            provider: .keycdn, layer: .edge,
            serverPrefixes: ["keycdn"],
            cache: .listEntry(header: "x-cache", nearest: .last, vocabulary: .plain),
            pop: POPSource(header: "x-edge-location", extraction: .whole, locator: .keycdn)),
        ProviderProfile(
            provider: .netlify, layer: .edge,
            ownHeaders: ["x-nf-request-id"],
            serverPrefixes: ["netlify"],
            markers: [("cache-status", "netlify")],
            cache: .cacheStatusField),
        ProviderProfile(
            provider: .vercel, layer: .edge,
            ownHeaders: ["x-vercel-id", "x-vercel-cache"],
            serverPrefixes: ["vercel"],
            cache: .listEntry(header: "x-vercel-cache", nearest: .last, vocabulary: .vercel),
            pop: POPSource(header: "x-vercel-id", extraction: .firstSegment, locator: .iata)),
        ProviderProfile(
            provider: .tigris, layer: .inner,
            ownHeaders: ["x-tigris-served-from"],
            serverPrefixes: ["tigris"],
            cache: .serverTiming(metric: "cache", vocabulary: .plain),
            pop: POPSource(header: "x-tigris-served-from", extraction: .whole, locator: .iata)),
        ProviderProfile(
            provider: .fly, layer: .inner,
            ownHeaders: ["fly-request-id"],
            serverPrefixes: ["fly/"],
            markers: [("via", "fly.io")],
            cache: .none,
            pop: POPSource(header: "fly-request-id", extraction: .afterLastHyphen, locator: .iata)),
        ProviderProfile(
            provider: .varnish, layer: .inner,
            ownHeaders: ["x-varnish"],
            markers: [("via", "varnish")],
            cache: .varnishTransactionIDs),
        ProviderProfile(
            provider: .nginx, layer: .inner,
            ownHeaders: ["x-cache-status"],
            serverPrefixes: ["nginx"],
            cache: .listEntry(header: "x-cache-status", nearest: .last, vocabulary: .plain)),
    ]
}
