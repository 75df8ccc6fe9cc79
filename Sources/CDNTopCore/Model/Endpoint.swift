/// One URL to probe, with the request settings that make the comparison fair: every endpoint
/// of a site gets the same request, differing only in where it is sent.
public struct Endpoint: Sendable, Hashable {
    /// Unique name, used in tables and the database ("fastly", "bunny", "origin").
    public var name: String
    /// Endpoints with the same site are compared with each other.
    public var site: String
    public var url: String
    /// Set in the config; otherwise detected from each response's headers.
    public var provider: Provider?
    /// Marks the no-CDN baseline of its site.
    public var isOrigin: Bool
    /// Time between two probes of this endpoint, in seconds.
    public var interval: Double
    /// Limit for the whole probe, redirects included, in seconds.
    public var timeout: Double
    /// Largest body read before the probe fails with `body_too_large`, in bytes.
    public var maxBody: Int64
    public var maxRedirects: Int
    /// Sent as the `Host` header (like `curl -H Host:`) to the URL's own host.
    public var host: String?
    /// `HOST:PORT:ADDRESS` entries, like `curl --resolve`.
    public var resolve: [String]
    /// Extra request headers, in the config's order.
    public var headers: [HTTPHeader]
    /// Skips TLS certificate verification.
    public var insecure: Bool

    public static let defaultInterval = 60.0
    public static let defaultTimeout = 10.0
    public static let defaultMaxBody: Int64 = 10_000_000
    public static let defaultMaxRedirects = 5

    public init(name: String, site: String, url: String, provider: Provider? = nil,
                isOrigin: Bool = false, interval: Double = Endpoint.defaultInterval,
                timeout: Double = Endpoint.defaultTimeout, maxBody: Int64 = Endpoint.defaultMaxBody,
                maxRedirects: Int = Endpoint.defaultMaxRedirects, host: String? = nil,
                resolve: [String] = [], headers: [HTTPHeader] = [], insecure: Bool = false) {
        self.name = name
        self.site = site
        self.url = url
        self.provider = provider
        self.isOrigin = isOrigin
        self.interval = interval
        self.timeout = timeout
        self.maxBody = maxBody
        self.maxRedirects = maxRedirects
        self.host = host
        self.resolve = resolve
        self.headers = headers
        self.insecure = insecure
    }
}
