import Foundation

/// A step change in a site's real traffic through one provider: the misses or the hit ratio
/// of all its requests or of one content class, since a bucket start, against before it.
public struct TrafficChange: Sendable, Hashable {
    public enum Measure: String, Sendable, Hashable {
        case misses
        case hitRatio = "hit_ratio"
    }

    public var measure: Measure
    public var provider: Provider?
    /// Nil: all the provider's requests.
    public var content: ContentClass?
    /// The start of the first bucket after the change point.
    public var since: Date
    /// Misses per hour, or the hit ratio (0…1), before and after the change point.
    public var before: Double
    public var after: Double
    /// The misses, or the requests counting towards the hit ratio, before and after it.
    public var countBefore: Int64
    public var countAfter: Int64
    /// The window compared with the one before it, in seconds (86,400: "the previous 24 h").
    public var windowSeconds: Double
    /// The window test's z score (signed: positive for more misses or a higher hit ratio).
    public var z: Double

    public init(measure: Measure, provider: Provider?, content: ContentClass?, since: Date, before: Double, after: Double,
                countBefore: Int64, countAfter: Int64, windowSeconds: Double, z: Double) {
        self.measure = measure
        self.provider = provider
        self.content = content
        self.since = since
        self.before = before
        self.after = after
        self.countBefore = countBefore
        self.countAfter = countAfter
        self.windowSeconds = windowSeconds
        self.z = z
    }

    /// After over before; nil when there was nothing before (no misses, a 0% hit ratio).
    public var factor: Double? { before > 0 ? after / before : nil }
    /// More misses or a lower hit ratio: worse for the site.
    public var isWorse: Bool { measure == .misses ? after > before : after < before }

    /// "misses 7.1× the previous 24 h since Oct 8 04:00 UTC, html",
    /// "hit ratio 45.0% since Oct 8 04:00 UTC, 90.0% the previous 24 h".
    public var text: String {
        let previous = "the previous \(TrafficChange.span(windowSeconds))"
        let when = "since \(TrafficChange.dayAndMinute(since)) UTC"
        let what = content.map { ", \($0.rawValue)" } ?? ""
        switch measure {
        case .misses:
            guard let factor else {
                return "misses \(NumberText.fixed(after, decimals: after < 10 ? 1 : 0)) an hour \(when), none \(previous)\(what)"
            }
            return "misses \(NumberText.ratio(factor)) \(previous) \(when)\(what)"
        case .hitRatio:
            return "hit ratio \(NumberText.percent(after)) \(when), \(NumberText.percent(before)) \(previous)\(what)"
        }
    }

    /// "24 h", "1 h", "5 min", "7 d".
    public static func span(_ seconds: Double) -> String {
        if seconds >= 2 * 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400)) d" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 60)) min"
    }

    /// "Oct 8 04:00", in UTC and English whatever the machine's locale.
    static func dayAndMinute(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.month, .day, .hour, .minute], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[max(0, min(11, (parts.month ?? 1) - 1))]
        return "\(month) \(parts.day ?? 1) " + String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}

/// Finds step changes in real traffic: the window ending now against the one before it of the
/// same length (the last 24 h against the 24 h before), per provider, for all requests and for
/// each content class, in the misses and in the hit ratio.
///
/// Only the span the logs cover is compared: from the first bucket with any line of the
/// provider to the last, so logs ingested since this morning, or an ingest that stopped an
/// hour ago, are not taken for a step. The previous window must be covered for at least a
/// quarter of its length.
///
/// The significance rule, chosen to stay silent on noise (about 30 tests run per provider, and
/// a screen that cries wolf is worse than none):
/// - Misses: under "no change" the misses of both windows are Poisson with one rate, so the
///   recent window's share of them is binomial with p = its share of the time covered. A
///   change needs |z| ≥ 4 on that share (a false alarm about once in 16,000 tests of pure
///   Poisson noise), at least 20 misses in the busier window, and a factor of at least 2
///   (or at most ½) between the rates after and before the change point.
/// - Hit ratio: a two-proportion z-test (pooled) between the windows, |z| ≥ 4, at least 30
///   requests counting towards the ratio in each window, and a step of at least 10
///   percentage points between the ratios after and before the change point.
///
/// When the windows differ, the change point is the bucket split of the covered span that
/// maximises the likelihood ratio of "one rate before, another after" against "one rate"
/// (Poisson for misses, weighting each bucket by the time it covers; binomial for the hit
/// ratio), so "since" is a bucket start: the hour for windows of a day and more, the minute
/// for shorter ones. The figures reported are those after and before that split. A change of
/// all a provider's requests that one of its content classes shows from the same bucket is
/// left out: the class's change says it, undiluted.
public enum TrafficChangeDetector {
    public static let minimumZ = 4.0
    public static let minimumMisses: Int64 = 20
    public static let minimumFactor = 2.0
    public static let minimumSamples: Int64 = 30
    public static let minimumRatioStep = 0.10
    /// The least share of the previous window the logs must cover.
    public static let minimumHistory = 0.25

    /// One bucket of one series: what it counts and the seconds it covers.
    struct Bucket {
        var start: Int64
        var seconds: Double
        var count: Double
        var samples: Double
    }

    /// The changes in `series` (the store's buckets of `bucketSeconds` per provider over the
    /// two windows ending at `until`, each `minute` its bucket's start), newest first.
    public static func changes(series: [TrafficMinute], bucketSeconds: Int64, windowSeconds: Double,
                               until: Date) -> [TrafficChange] {
        let end = Int64(until.timeIntervalSince1970.rounded(.up))
        let recentStart = floor(end - Int64(windowSeconds), bucketSeconds)
        var found: [TrafficChange] = []
        let byProvider = Dictionary(grouping: series) { $0.provider }
        for (provider, minutes) in byProvider {
            let buckets = Dictionary(minutes.map { ($0.minute, $0) }) { var merged = $0; merged.merge($1); return merged }
            // The covered span: the first to the last bucket holding any line of the provider.
            let lined = buckets.filter { $0.value.requests > 0 || $0.value.malformedLines > 0 }.keys
            guard let first = lined.min(), let last = lined.max(), first < recentStart else { continue }
            let starts = Array(stride(from: first, through: last, by: Int(bucketSeconds)))
            func seconds(_ start: Int64) -> Double { Double(min(start + bucketSeconds, end) - start) }
            let history = Double(recentStart - first) / windowSeconds
            guard history >= minimumHistory else { continue }
            let classes = Set(minutes.flatMap { $0.byContent.keys })
            let tallies: [(ContentClass?, (TrafficMinute) -> CacheTally)] = [(nil, { $0.cache })]
                + ContentClass.allCases.filter(classes.contains).map { content in (content, { $0.byContent[content] ?? CacheTally() }) }
            for (content, tally) in tallies {
                let counts = starts.map { start in buckets[start].map(tally) ?? CacheTally() }
                let misses = zip(starts, counts).map { Bucket(start: $0, seconds: seconds($0), count: Double($1.misses), samples: 0) }
                let ratio = zip(starts, counts).map {
                    Bucket(start: $0, seconds: seconds($0), count: Double($1.hits), samples: Double($1.hitRatioSamples))
                }
                var changes = [missChange(misses, recentStart: recentStart), ratioChange(ratio, recentStart: recentStart)]
                    .compactMap { $0 }
                for index in changes.indices {
                    changes[index].provider = provider
                    changes[index].content = content
                    changes[index].windowSeconds = windowSeconds
                }
                found += changes
            }
        }
        // A provider's change that one of its content classes shows too, from the same bucket,
        // is that class's change diluted: the class's line says it, with the larger factor.
        let ofClasses = found.filter { $0.content != nil }
        found.removeAll { change in
            change.content == nil && ofClasses.contains {
                $0.provider == change.provider && $0.measure == change.measure && $0.since == change.since
            }
        }
        return found.sorted { a, b in
            if a.since != b.since { return a.since > b.since }
            if a.provider != b.provider { return (a.provider?.rawValue ?? "") < (b.provider?.rawValue ?? "") }
            if a.content != b.content { return rank(a.content) < rank(b.content) }
            return a.measure.rawValue > b.measure.rawValue
        }
    }

    private static func rank(_ content: ContentClass?) -> Int {
        content.flatMap { ContentClass.allCases.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
    }

    /// The misses' window test, then their change point.
    static func missChange(_ buckets: [Bucket], recentStart: Int64) -> TrafficChange? {
        let (old, new) = (buckets.filter { $0.start < recentStart }, buckets.filter { $0.start >= recentStart })
        let (m0, m1) = (old.reduce(0) { $0 + $1.count }, new.reduce(0) { $0 + $1.count })
        let (e0, e1) = (old.reduce(0) { $0 + $1.seconds }, new.reduce(0) { $0 + $1.seconds })
        let n = m0 + m1
        guard max(m0, m1) >= Double(minimumMisses), e0 > 0, e1 > 0 else { return nil }
        let p = e1 / (e0 + e1)
        let z = (m1 - n * p) / (n * p * (1 - p)).squareRoot()
        guard abs(z) >= minimumZ, let split = bestSplit(buckets, score: poissonScore) else { return nil }
        let (before, after) = (Array(buckets[..<split]), Array(buckets[split...]))
        let (a, b) = (before.reduce(0) { $0 + $1.count }, after.reduce(0) { $0 + $1.count })
        let rateBefore = a / before.reduce(0) { $0 + $1.seconds } * 3600
        let rateAfter = b / after.reduce(0) { $0 + $1.seconds } * 3600
        // The located step must go the way the windows differ, by the factor the rule asks.
        guard (rateAfter > rateBefore) == (z > 0) else { return nil }
        if rateBefore > 0 {
            let factor = rateAfter / rateBefore
            guard factor >= minimumFactor || factor <= 1 / minimumFactor else { return nil }
        }
        return TrafficChange(measure: .misses, provider: nil, content: nil,
                             since: Date(timeIntervalSince1970: TimeInterval(buckets[split].start)),
                             before: rateBefore, after: rateAfter, countBefore: Int64(a), countAfter: Int64(b),
                             windowSeconds: 0, z: z)
    }

    /// The hit ratio's window test, then its change point.
    static func ratioChange(_ buckets: [Bucket], recentStart: Int64) -> TrafficChange? {
        let (old, new) = (buckets.filter { $0.start < recentStart }, buckets.filter { $0.start >= recentStart })
        let (h0, s0) = (old.reduce(0) { $0 + $1.count }, old.reduce(0) { $0 + $1.samples })
        let (h1, s1) = (new.reduce(0) { $0 + $1.count }, new.reduce(0) { $0 + $1.samples })
        guard s0 >= Double(minimumSamples), s1 >= Double(minimumSamples) else { return nil }
        let pooled = (h0 + h1) / (s0 + s1)
        let spread = (pooled * (1 - pooled) * (1 / s0 + 1 / s1)).squareRoot()
        guard spread > 0 else { return nil }
        let z = (h1 / s1 - h0 / s0) / spread
        guard abs(z) >= minimumZ, let split = bestSplit(buckets, score: binomialScore) else { return nil }
        let (before, after) = (Array(buckets[..<split]), Array(buckets[split...]))
        let (a, sa) = (before.reduce(0) { $0 + $1.count }, before.reduce(0) { $0 + $1.samples })
        let (b, sb) = (after.reduce(0) { $0 + $1.count }, after.reduce(0) { $0 + $1.samples })
        let (ratioBefore, ratioAfter) = (a / sa, b / sb)
        guard (ratioAfter > ratioBefore) == (z > 0), abs(ratioAfter - ratioBefore) >= minimumRatioStep else { return nil }
        return TrafficChange(measure: .hitRatio, provider: nil, content: nil,
                             since: Date(timeIntervalSince1970: TimeInterval(buckets[split].start)),
                             before: ratioBefore, after: ratioAfter, countBefore: Int64(sa), countAfter: Int64(sb),
                             windowSeconds: 0, z: z)
    }

    /// The split index (first bucket after the change) with the highest log-likelihood of two
    /// segments; `score` is a segment's maximised log-likelihood from its sums, nil when a
    /// segment cannot be judged (no samples).
    static func bestSplit(_ buckets: [Bucket], score: (Double, Double, Double) -> Double?) -> Int? {
        guard buckets.count >= 2 else { return nil }
        let total = buckets.reduce((0.0, 0.0, 0.0)) { ($0.0 + $1.count, $0.1 + $1.seconds, $0.2 + $1.samples) }
        var prefix = (0.0, 0.0, 0.0)
        var best: (index: Int, score: Double)?
        for index in 1..<buckets.count {
            let bucket = buckets[index - 1]
            prefix = (prefix.0 + bucket.count, prefix.1 + bucket.seconds, prefix.2 + bucket.samples)
            guard let left = score(prefix.0, prefix.1, prefix.2),
                  let right = score(total.0 - prefix.0, total.1 - prefix.1, total.2 - prefix.2) else { continue }
            if best.map({ left + right > $0.score }) ?? true { best = (index, left + right) }
        }
        return best?.index
    }

    /// A Poisson segment's log-likelihood at its own rate, up to terms every split shares.
    static func poissonScore(count: Double, seconds: Double, samples: Double) -> Double? {
        seconds > 0 ? xLogX(count) - count * log(seconds) : nil
    }

    /// A binomial segment's log-likelihood at its own ratio.
    static func binomialScore(hits: Double, seconds: Double, samples: Double) -> Double? {
        samples > 0 ? xLogX(hits) + xLogX(samples - hits) - xLogX(samples) : nil
    }

    private static func xLogX(_ value: Double) -> Double { value > 0 ? value * log(value) : 0 }

    static func floor(_ seconds: Int64, _ length: Int64) -> Int64 {
        let remainder = seconds % length
        return seconds - (remainder < 0 ? remainder + length : remainder)
    }
}
