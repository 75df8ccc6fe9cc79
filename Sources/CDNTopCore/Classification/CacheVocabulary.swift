/// How one provider spells its cache states, folded into the seven `CacheStatus` values.
///
/// Words are compared in upper case. A word with no entry has no status: the classifier then
/// reports `cache == nil` and keeps the raw value, so an unknown state is visible instead of
/// being guessed into the hit ratio.
public struct CacheVocabulary: Sendable {
    private let words: [String: CacheStatus]

    /// The common words plus the provider's own (which win on a clash).
    public init(_ providerWords: [String: CacheStatus] = [:]) {
        words = Self.common.merging(providerWords) { _, own in own }
    }

    /// The status a word stands for. Fastly-style states carry suffixes for special cases
    /// ("HIT-STALE-CLUSTER"), so an unknown word is retried without its last "-part" until
    /// one is known: "HIT-STALE-CLUSTER" → "HIT-STALE".
    public func status<S: StringProtocol>(of word: S) -> CacheStatus? {
        var candidate = word.uppercased()
        while !candidate.isEmpty {
            if let status = words[candidate] { return status }
            guard let dash = candidate.lastIndex(of: "-") else { return nil }
            candidate = String(candidate[..<dash])
        }
        return nil
    }

    /// Words that mean the same everywhere they appear: nginx's `$upstream_cache_status`,
    /// which Cloudflare, KeyCDN and Bunny echo. UPDATING is a stale copy served while a
    /// refresh runs in the background, so it counts as STALE.
    private static let common: [String: CacheStatus] = [
        "HIT": .hit, "MISS": .miss, "STALE": .stale, "UPDATING": .stale,
        "EXPIRED": .expired, "REVALIDATED": .revalidated, "BYPASS": .bypass, "DYNAMIC": .dynamic,
    ]

    /// nginx, Bunny (HIT MISS BYPASS), KeyCDN (HIT MISS EXPIRED REVALIDATED UPDATING STALE),
    /// Tigris (`desc="hit"`): the common words only.
    public static let plain = CacheVocabulary()

    /// Fastly's `X-Cache` is HIT or MISS by default; VCL that exposes `fastly_info.state`
    /// adds PASS (deliberately uncached: BYPASS), HIT-STALE and HIT-SYNTH (edge-generated).
    public static let fastly = CacheVocabulary([
        "PASS": .bypass, "HITPASS": .bypass, "HIT-STALE": .stale, "HIT-SYNTH": .hit,
    ])

    /// Cloudflare's NONE/UNKNOWN marks a response made before the cache (a Worker, a WAF
    /// block, a redirect rule): not cacheable, like DYNAMIC, so it is counted apart from the
    /// hit ratio rather than lost as "no cache layer".
    public static let cloudflare = CacheVocabulary([
        "NONE": .dynamic, "UNKNOWN": .dynamic, "NONE/UNKNOWN": .dynamic,
    ])

    /// CloudFront's `X-Cache: <Result> from cloudfront`. RefreshHit is an expired object the
    /// origin confirmed unchanged; Redirect and function-generated responses never touch the
    /// cache. Error, LimitExceeded and CapacityExceeded are failures, not cache verdicts, and
    /// stay unmapped.
    static let cloudfront = CacheVocabulary([
        "REFRESHHIT": .revalidated, "REDIRECT": .dynamic, "FUNCTIONGENERATEDRESPONSE": .dynamic,
    ])

    /// Vercel's PRERENDER is served from static storage without running a function: a hit.
    static let vercel = CacheVocabulary(["PRERENDER": .hit])

    /// Akamai's debug `X-Cache` (TCP_* codes, with `Pragma: akamai-x-cache-on`) and its
    /// `Akamai-Cache-Status` behaviour (Hit, Miss, RefreshHit, HitStale, NotCacheable, …).
    static let akamai = CacheVocabulary([
        "TCP_HIT": .hit, "TCP_MEM_HIT": .hit, "TCP_IMS_HIT": .hit, "TCP_NEGATIVE_HIT": .hit,
        "TCP_MISS": .miss,
        "TCP_REFRESH_HIT": .revalidated,   // stale, origin answered 304
        "TCP_REFRESH_MISS": .expired,      // stale, origin sent a new object
        "TCP_REFRESH_FAIL_HIT": .stale,    // stale, origin unreachable, stale copy served
        "REFRESHHIT": .revalidated, "HITSTALE": .stale, "NOTCACHEABLE": .bypass,
        "CONSTRUCTED": .dynamic, "REDIRECT": .dynamic,
    ])

    /// varnishncsa's `%{Varnish:handling}x` (hit, miss, pass, pipe, synth) and
    /// `%{Varnish:hitmiss}x` (hit, miss). PASS and PIPE are the VCL's choice not to cache;
    /// SYNTH is a response VCL made itself; HITMISS and HITPASS are a cached "don't cache
    /// this" marker, so the request went to the backend as a miss or a pass.
    public static let varnish = CacheVocabulary([
        "PASS": .bypass, "PIPE": .bypass, "SYNTH": .dynamic, "HITMISS": .miss, "HITPASS": .bypass,
    ])
}
