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

    /// Many sketches added together, trimmed to the capacity once rather than after each
    /// (a day's rollup merges 1,440 minutes): the same result as merging them one by one
    /// when nothing is dropped, and never a smaller error bound.
    public static func merging(_ sketches: some Sequence<HeavyHitters>) -> HeavyHitters {
        var total = HeavyHitters()
        for sketch in sketches {
            total.counts.merge(sketch.counts, uniquingKeysWith: +)
            total.error = max(total.error, sketch.error)
        }
        total.trimToCapacity()
        return total
    }

    /// Keeps the `capacity` largest counts (ties by key, as `top` orders them). Only the
    /// counts are sorted, and the keys of the one tied count: no sort of thousands of strings.
    private mutating func trimToCapacity() {
        guard counts.count > Self.capacity else { return }
        let values = counts.values.sorted(by: >)
        let threshold = values[Self.capacity - 1]
        var kept = counts.filter { $0.value > threshold }
        let tied = counts.compactMap { $0.value == threshold ? $0.key : nil }.sorted()
        for key in tied.prefix(Self.capacity - kept.count) { kept[key] = threshold }
        error = max(error, values[Self.capacity])
        counts = kept
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
