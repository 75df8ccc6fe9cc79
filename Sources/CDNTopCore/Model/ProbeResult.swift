import Foundation

/// Everything one probe of one endpoint observed: the fields of a JSON line, plus the response
/// headers for classification and the UI's detail view.
///
/// Every string in here that a server controls has been sanitized by the probe engine before
/// the result was built (see `Sanitizer`).
public struct ProbeResult: Sendable, Hashable, Codable {
    public var timestamp: Date
    public var endpoint: String
    public var site: String
    public var url: String
    public var vantage: Vantage
    /// The stable id of the agent that sent it (`[agent] id`); nil for probes stored before
    /// agents had ids. Several agents may share a vantage label: the id tells them apart.
    public var agent: String?
    /// The endpoint is its site's no-CDN baseline (`origin = true`). Not a JSON line field:
    /// it travels to the database so reports made there know the baseline without the config.
    public var isOrigin: Bool
    public var provider: Provider?
    /// True when the probe completed with a 1xx–3xx final status and no error.
    public var ok: Bool
    /// The final HTTP status, nil when no response arrived.
    public var status: Int?
    /// "1.0", "1.1", "2" or "3".
    public var httpVersion: String?
    public var cache: CacheStatus?
    /// The header value the cache status was read from, as the server sent it (sanitized).
    public var cacheRaw: String?
    public var pop: String?
    public var popRegion: Continent?
    /// The city of the POP, named the same for every provider (`pop` stays the provider's own
    /// code). Derived from `provider` and `pop` on every read, so probes stored before metros
    /// existed get one too.
    public var popMetro: Metro? { POPMetros.metro(provider: provider, pop: pop) }
    /// The `Age` header in seconds. An `Age > 0` alone does not prove an edge hit.
    public var age: Int?
    public var timings: PhaseTimings
    /// Body bytes received.
    public var bytes: Int64
    public var redirects: Int
    public var remoteIP: String?
    public var error: ProbeErrorClass?
    /// A human explanation of the error ("HTTP 503", curl's message).
    public var errorDetail: String?
    /// The final response's headers; empty when none arrived.
    public var headers: [HTTPHeader]
    /// The chunked trailers that followed the final response's body: shown, never classified
    /// (a server can put anything after its body).
    public var trailers: [HTTPHeader]

    public init(timestamp: Date, endpoint: String, site: String, url: String, vantage: Vantage,
                agent: String? = nil, isOrigin: Bool = false, provider: Provider? = nil, ok: Bool, status: Int? = nil, httpVersion: String? = nil,
                cache: CacheStatus? = nil, cacheRaw: String? = nil, pop: String? = nil,
                popRegion: Continent? = nil, age: Int? = nil, timings: PhaseTimings = .zero,
                bytes: Int64 = 0, redirects: Int = 0, remoteIP: String? = nil,
                error: ProbeErrorClass? = nil, errorDetail: String? = nil, headers: [HTTPHeader] = [],
                trailers: [HTTPHeader] = []) {
        self.timestamp = timestamp
        self.endpoint = endpoint
        self.site = site
        self.url = url
        self.vantage = vantage
        self.agent = agent
        self.isOrigin = isOrigin
        self.provider = provider
        self.ok = ok
        self.status = status
        self.httpVersion = httpVersion
        self.cache = cache
        self.cacheRaw = cacheRaw
        self.pop = pop
        self.popRegion = popRegion
        self.age = age
        self.timings = timings
        self.bytes = bytes
        self.redirects = redirects
        self.remoteIP = remoteIP
        self.error = error
        self.errorDetail = errorDetail
        self.headers = headers
        self.trailers = trailers
    }
}
