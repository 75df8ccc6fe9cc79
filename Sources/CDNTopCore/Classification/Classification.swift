/// What one response's headers say about the path it took: who served it, whether from
/// cache, and from which POP. Everything here was read from untrusted headers and has been
/// sanitized and length-capped.
public struct Classification: Sendable, Equatable {
    /// The outermost provider on the path, or the one the config names.
    public var provider: Provider?
    /// Nil when no cache layer reported a verdict (an origin reached directly, Fly's proxy).
    public var cache: CacheStatus?
    /// The header value the status was read from ("MISS, HIT"), kept even when it could not
    /// be understood, so a new or garbled state stays visible.
    public var cacheRaw: String?
    /// The POP as the provider names it: "SJC", "DE1", "FRA56-P5", "cdg", an Akamai edge IP.
    public var pop: String?
    public var popRegion: Continent?
    /// The `Age` header in seconds; nil when absent or not a plain non-negative integer.
    public var age: Int?

    public init(provider: Provider? = nil, cache: CacheStatus? = nil, cacheRaw: String? = nil,
                pop: String? = nil, popRegion: Continent? = nil, age: Int? = nil) {
        self.provider = provider
        self.cache = cache
        self.cacheRaw = cacheRaw
        self.pop = pop
        self.popRegion = popRegion
        self.age = age
    }
}
