/// The normalized cache verdict of one response, in cdntop's cache vocabulary.
///
/// Each provider spells its cache states differently (`TCP_MEM_HIT`, `RefreshHit`, `fwd=stale`);
/// everything downstream compares providers, so they all collapse into these seven values.
/// A response with no cache layer at all (an origin reached directly) has no status: `nil`.
public enum CacheStatus: String, CaseIterable, Sendable, Codable, Hashable {
    case hit = "HIT"
    case miss = "MISS"
    case stale = "STALE"
    case expired = "EXPIRED"
    case revalidated = "REVALIDATED"
    case bypass = "BYPASS"
    case dynamic = "DYNAMIC"

    /// Served from cache without a full origin fetch: the numerator of the hit ratio.
    public var isHit: Bool { self == .hit || self == .stale || self == .revalidated }

    /// Part of the hit-ratio denominator. BYPASS and DYNAMIC are the site's choice not to
    /// cache, not the CDN failing to, so they are counted apart instead of diluting the ratio.
    public var countsTowardHitRatio: Bool { isHit || self == .miss || self == .expired }
}
