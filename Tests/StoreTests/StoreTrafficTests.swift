import CDNTopCore
import Foundation
@testable import Store
import Testing

@Suite struct StoreTrafficTests {
    /// A minute with every field set, so each one must survive the codec and the merge.
    static func minute(at seconds: Int64, site: String = "example.com", provider: Provider? = .fastly,
                       hits: Int64 = 3, misses: Int64 = 1) -> TrafficMinute {
        var minute = TrafficMinute(site: site, provider: provider, minute: seconds)
        var html = CacheTally()
        html.add(.hit, count: hits)
        html.add(.miss, count: misses)
        var image = CacheTally()
        image.add(nil, count: 2)
        minute.byContent = [.html: html, .image: image]
        minute.cache.merge(html)
        minute.cache.merge(image)
        minute.bytes = 1000
        minute.byHTTPVersion = ["1.1": hits + misses, "2": 2]
        minute.byStatusClass = [2: hits + misses + 1, 5: 1]
        minute.byPOP = ["FRA": hits + misses + 2]
        minute.ttfb = QuantileSketch([12.5, 80, 3])
        minute.topMisses.add("/", count: misses)
        minute.malformedLines = 1
        return minute
    }

    @Test func theCodecKeepsEveryField() throws {
        let original = Self.minute(at: 1_791_432_000)
        var decoded = TrafficMinute(site: original.site, provider: original.provider, minute: original.minute)
        try TrafficCodec.merge(TrafficCodec.encode(original), into: &decoded)
        #expect(decoded == original)
        var damaged = TrafficCodec.encode(original)
        damaged.removeLast(3)
        #expect(throws: DamagedData.self) { try TrafficCodec.merge(damaged, into: &decoded) }
    }

    @Test func minutesMergeIntoWindowsAndSeriesAndThePositionMovesWithThem() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("t.sqlite"))
        let start: Int64 = 1_791_432_000
        try store.recordTraffic([Self.minute(at: start), Self.minute(at: start + 60)],
                                position: LogPosition(source: "/var/log/a.log", fileID: "1:2", offset: 100))
        // The same minute again (a second flush of the same minute) adds to it.
        try store.recordTraffic([Self.minute(at: start + 60), Self.minute(at: start, site: "other.org", provider: nil)],
                                position: LogPosition(source: "/var/log/a.log", fileID: "1:2", offset: 250))
        #expect(try store.logPosition(source: "/var/log/a.log") == LogPosition(source: "/var/log/a.log", fileID: "1:2", offset: 250))
        #expect(try store.logPosition(source: "/elsewhere") == nil)

        let since = Date(timeIntervalSince1970: TimeInterval(start))
        let window = try store.trafficWindow(since: since, until: since.addingTimeInterval(3600), site: "example.com")
        #expect(window.count == 1)
        let merged = try #require(window.first)
        var expected = Self.minute(at: start)
        expected.merge(Self.minute(at: start + 60))
        expected.merge(Self.minute(at: start + 60))
        #expect(merged.requests == expected.requests)
        #expect(merged.cache == expected.cache)
        #expect(merged.byContent == expected.byContent)
        #expect(merged.topMisses.top(1).first?.count == 3)
        #expect(merged.ttfb.count == 9)

        let series = try store.trafficSeries(since: since, until: since.addingTimeInterval(120), span: .minute, site: nil)
        #expect(series.map(\.site) == ["example.com", "example.com", "other.org"])
        #expect(series.map(\.requests) == [6, 12, 6])
        let hours = try store.trafficSeries(since: since, until: since.addingTimeInterval(120), span: .hour, site: "example.com")
        #expect(hours.map(\.requests) == [18])
    }

    @Test func trafficIsPrunedWithTheProbesRollups() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("t.sqlite"))
        let old: Int64 = 1_700_000_040
        try store.recordTraffic([Self.minute(at: old)], position: nil)
        let now = Date(timeIntervalSince1970: TimeInterval(old) + store.settings.minuteRollupRetention + 7200)
        try store.prune(now: now)
        let series = try store.trafficSeries(since: Date(timeIntervalSince1970: TimeInterval(old - 60)),
                                             until: Date(timeIntervalSince1970: TimeInterval(old + 60)), span: .minute, site: nil)
        #expect(series.isEmpty)
        let hours = try store.trafficSeries(since: Date(timeIntervalSince1970: TimeInterval(old - 3600)),
                                            until: Date(timeIntervalSince1970: TimeInterval(old + 3600)), span: .hour, site: nil)
        #expect(hours.map(\.requests) == [6])
    }
}
