/// The keys counted most often in a stream, in bounded memory: the Space-Saving sketch
/// (Metwally et al.). It keeps `capacity` counters; a new key on a full table takes over the
/// smallest counter and inherits its count, so a kept count overestimates by at most `error`,
/// and any key counted more than `error` times is kept. "The top missing paths" without a
/// table per path.
public struct HeavyHitters: Sendable, Hashable {
    public static let capacity = 64

    public private(set) var counts: [String: Int64] = [:]
    /// The largest count ever taken over from an evicted key: every kept count is at most this
    /// much above the truth.
    public private(set) var error: Int64 = 0

    public init() {}

    public mutating func add(_ key: String, count: Int64 = 1) {
        if let kept = counts[key] {
            counts[key] = kept + count
        } else if counts.count < Self.capacity {
            counts[key] = count
        } else if let smallest = counts.min(by: Self.smallerFirst) {
            counts.removeValue(forKey: smallest.key)
            counts[key] = smallest.value + count
            error = max(error, smallest.value)
        }
    }

    /// Adds another sketch's counts; keys beyond the capacity are dropped, smallest first, and
    /// the error grows to the largest count dropped.
    public mutating func merge(_ other: HeavyHitters) {
        counts.merge(other.counts, uniquingKeysWith: +)
        error = max(error, other.error)
        guard counts.count > Self.capacity else { return }
        let dropped = counts.sorted(by: Self.largerFirst).dropFirst(Self.capacity)
        for (key, count) in dropped {
            counts.removeValue(forKey: key)
            error = max(error, count)
        }
    }

    /// The `limit` largest counts, largest first (ties by key, so output is stable).
    public func top(_ limit: Int) -> [(key: String, count: Int64)] {
        Array(counts.sorted(by: Self.largerFirst).prefix(limit)).map { (key: $0.key, count: $0.value) }
    }

    /// Rebuilds a sketch from stored counters (an engine's decoding).
    public init(counts: [String: Int64], error: Int64) {
        self.counts = counts
        self.error = error
    }

    private static func largerFirst(_ a: (key: String, value: Int64), _ b: (key: String, value: Int64)) -> Bool {
        a.value != b.value ? a.value > b.value : a.key < b.key
    }

    private static func smallerFirst(_ a: (key: String, value: Int64), _ b: (key: String, value: Int64)) -> Bool {
        a.value != b.value ? a.value < b.value : a.key > b.key
    }
}
