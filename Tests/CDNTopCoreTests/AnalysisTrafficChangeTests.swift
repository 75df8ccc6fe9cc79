import CDNTopCore
import Foundation
import TestSupport
import Testing

/// Step changes in real traffic: real steps are found with their factor and hour, noise and
/// small counts are not.
@Suite("Traffic change detection")
struct AnalysisTrafficChangeTests {
    /// 2026-10-08T12:00:00Z: the last 24 h start Oct 7 12:00, the previous ones Oct 6 12:00.
    static let now = Date(timeIntervalSince1970: 1_791_460_800)
    static let hour: Int64 = 3600

    /// Knuth's method: exact Poisson draws for the small rates these tests use.
    static func poisson(_ mean: Double, using generator: inout SeededGenerator) -> Int64 {
        let limit = exp(-mean)
        var product = Double.random(in: 0..<1, using: &generator)
        var count: Int64 = 0
        while product > limit {
            count += 1
            product *= Double.random(in: 0..<1, using: &generator)
        }
        return count
    }

    /// 48 hourly buckets of html through Fastly ending at `now`; `rates(hoursAgo)` gives the
    /// hour's mean misses and hits.
    static func series(seed: UInt64, rates: (Int) -> (misses: Double, hits: Double)) -> [TrafficMinute] {
        var generator = SeededGenerator(seed: seed)
        let end = Int64(now.timeIntervalSince1970)
        return (1...48).map { hoursAgo in
            var minute = TrafficMinute(site: "shop.example", provider: .fastly, minute: end - Int64(hoursAgo) * hour)
            let (misses, hits) = rates(hoursAgo)
            add(&minute, misses: poisson(misses, using: &generator), hits: poisson(hits, using: &generator))
            return minute
        }
    }

    static func add(_ minute: inout TrafficMinute, misses: Int64, hits: Int64, content: ContentClass = .html) {
        var tally = CacheTally()
        tally.add(.miss, count: misses)
        tally.add(.hit, count: hits)
        minute.cache.merge(tally)
        minute.byContent[content, default: CacheTally()].merge(tally)
    }

    static func detect(_ series: [TrafficMinute]) -> [TrafficChange] {
        TrafficChangeDetector.changes(series: series, bucketSeconds: hour, windowSeconds: 86_400, until: now)
    }

    @Test func aSevenfoldStepInMissesIsFoundWithItsFactorAndHour() throws {
        // 20 misses an hour until Oct 8 04:00, 140 after: 8 hours ago.
        let series = Self.series(seed: 7) { hoursAgo in (hoursAgo <= 8 ? 140 : 20, 300) }
        let changes = Self.detect(series)
        let html = try #require(changes.first { $0.measure == .misses && $0.content == .html })
        #expect(html.since == Self.now.addingTimeInterval(-8 * 3600))
        let factor = try #require(html.factor)
        #expect(factor > 6.3 && factor < 7.7, "factor \(factor)")
        #expect(html.provider == .fastly)
        #expect(html.text == "misses \(NumberText.ratio(factor)) the previous 24 h since Oct 8 04:00 UTC, html")
        #expect(!changes.contains { $0.measure == .misses && $0.content == nil },
                "all requests step with the html: said once, by the html's line")
    }

    @Test func poissonNoiseAroundAFlatRateIsNotReported() {
        // Fifty seeded days of flat traffic: no change may be reported in any of them.
        for seed in UInt64(1)...50 {
            let series = Self.series(seed: seed) { _ in (30, 270) }
            let changes = Self.detect(series)
            #expect(changes.isEmpty, "seed \(seed): \(changes.map(\.text))")
        }
    }

    @Test func smallCountsAreNotReported() {
        // Sevenfold, but one miss before and seven after: no evidence of anything.
        let end = Int64(Self.now.timeIntervalSince1970)
        let series = (1...48).map { hoursAgo -> TrafficMinute in
            var minute = TrafficMinute(site: "shop.example", provider: .fastly, minute: end - Int64(hoursAgo) * Self.hour)
            let misses: Int64 = hoursAgo == 40 ? 1 : hoursAgo <= 7 ? 1 : 0
            Self.add(&minute, misses: misses, hits: 2)
            return minute
        }
        #expect(Self.detect(series).isEmpty)
    }

    @Test func aHitRatioDropIsFound() throws {
        // 90% hits until 6 hours ago, 50% since, at 200 requests an hour.
        let series = Self.series(seed: 11) { hoursAgo in hoursAgo <= 6 ? (100, 100) : (20, 180) }
        let drop = try #require(Self.detect(series).first { $0.measure == .hitRatio && $0.content == .html })
        #expect(drop.since == Self.now.addingTimeInterval(-6 * 3600))
        #expect(abs(drop.before - 0.9) < 0.03 && abs(drop.after - 0.5) < 0.05, "\(drop.before) → \(drop.after)")
        #expect(drop.isWorse)
        #expect(drop.text.hasPrefix("hit ratio \(NumberText.percent(drop.after)) since Oct 8 06:00 UTC, "
                                    + "\(NumberText.percent(drop.before)) the previous 24 h, html"))
    }

    /// Logs ingested only since this morning: no previous window to compare, so no "change";
    /// logs reaching 6 h into the previous window are compared by rate, not by total.
    @Test func logsThatStartLateAreNoStep() {
        let end = Int64(Self.now.timeIntervalSince1970)
        for hours: Int64 in [20, 30] {
            let series = Self.series(seed: 3) { _ in (50, 200) }.filter { $0.minute >= end - hours * Self.hour }
            #expect(Self.detect(series).isEmpty, "logs of the last \(hours) h")
        }
    }

    /// An ingest that stopped 10 hours ago is not a fall in misses: the span after the last
    /// line is not compared.
    @Test func logsThatStopAreNoStep() {
        let end = Int64(Self.now.timeIntervalSince1970)
        let series = Self.series(seed: 5) { _ in (50, 200) }.filter { $0.minute < end - 10 * Self.hour }
        #expect(Self.detect(series).isEmpty)
    }

    @Test func missesPhraseWithoutAnyBefore() {
        let change = TrafficChange(measure: .misses, provider: .fastly, content: .image,
                                   since: Self.now, before: 0, after: 42, countBefore: 0, countAfter: 42,
                                   windowSeconds: 3600, z: 9)
        #expect(change.factor == nil)
        #expect(change.text == "misses 42 an hour since Oct 8 12:00 UTC, none the previous 1 h, image")
    }
}
