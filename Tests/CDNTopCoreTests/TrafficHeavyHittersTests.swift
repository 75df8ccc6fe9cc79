@testable import CDNTopCore
import Testing

@Suite struct TrafficHeavyHittersTests {
    static func sketch(_ counts: [String: Int64]) -> HeavyHitters {
        var sketch = HeavyHitters()
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) { sketch.add(key, count: count) }
        return sketch
    }

    @Test func mergingManyAtOnceKeepsTheLargestAndBoundsWhatItDrops() {
        // 20 sketches of 10 keys each: keys 1...200, key k counted k times.
        var parts: [HeavyHitters] = []
        for part in 0..<20 {
            var counts: [String: Int64] = [:]
            for key in stride(from: part + 1, through: 200, by: 20) { counts["/p\(key)"] = Int64(key) }
            parts.append(Self.sketch(counts))
        }
        let merged = HeavyHitters.merging(parts)
        #expect(merged.counts.count == HeavyHitters.capacity)
        #expect(merged.top(3).map(\.key) == ["/p200", "/p199", "/p198"])
        #expect(Set(merged.counts.keys) == Set((137...200).map { "/p\($0)" }))
        #expect(merged.error == 136)  // the largest count dropped

        var oneByOne = HeavyHitters()
        for part in parts { oneByOne.merge(part) }
        #expect(oneByOne.top(HeavyHitters.capacity).map(\.key) == merged.top(HeavyHitters.capacity).map(\.key))
    }

    @Test func tiesAtTheCutAreKeptByKeyAsTopOrdersThem() {
        let counts = Dictionary(uniqueKeysWithValues: (0..<100).map { ("/k\(1000 + $0)", Int64(1)) })
        let merged = HeavyHitters.merging([HeavyHitters(counts: counts, error: 0)])
        #expect(merged.counts.keys.sorted() == (0..<64).map { "/k\(1000 + $0)" })
        #expect(merged.error == 1)
    }

    @Test func minutesMergedAtOnceEqualMinutesMergedOneByOne() {
        var minutes: [TrafficMinute] = []
        for index in 0..<5 {
            var minute = TrafficMinute(site: "s", provider: .fastly, minute: Int64(index * 60))
            minute.cache.add(.miss, count: Int64(index + 1))
            minute.byHTTPVersion["2"] = Int64(index)
            minute.topMisses.add("/\(index)", count: Int64(index + 1))
            minutes.append(minute)
        }
        var atOnce = TrafficMinute(site: "s", provider: .fastly, minute: 0)
        atOnce.merge(contentsOf: minutes)
        var oneByOne = TrafficMinute(site: "s", provider: .fastly, minute: 0)
        minutes.forEach { oneByOne.merge($0) }
        #expect(atOnce == oneByOne)
    }
}
