import CDNTopCore
import Foundation
import GRDB
import Store
import TestSupport
import Testing

@Suite("Probes round-trip through the database")
struct StoreRoundTripTests {
    @Test("every field comes back, nils included; headers do not")
    func everyField() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        let full = fullProbe(at: Date(timeIntervalSince1970: 1_700_000_000.123456))
        let bare = bareProbe(at: Date(timeIntervalSince1970: 1_700_000_001.000001))
        try store.record([full, bare])
        let stored = try allProbes(in: store)
        #expect(stored == [full.withoutHeaders, bare.withoutHeaders])

        // Field by field, so a failure names the field.
        let back = try #require(stored.first)
        #expect(back.timestamp == full.timestamp)
        #expect(back.endpoint == "fastly" && back.site == "changelog.com" && back.url == "https://changelog.com/")
        #expect(back.vantage == Vantage(label: "eu-west", continent: .europe))
        #expect(!back.isOrigin)
        #expect(back.provider == .fastly && back.ok && back.status == 200 && back.httpVersion == "2")
        #expect(back.cache == .hit && back.cacheRaw == "MISS, HIT")
        #expect(back.pop == "FRA" && back.popRegion == .europe && back.age == 1234)
        #expect(back.timings == full.timings)
        #expect(back.bytes == 48_213 && back.redirects == 2 && back.remoteIP == "151.101.1.57")
        #expect(back.headers.isEmpty)
        let nils = try #require(stored.last)
        #expect(nils.provider == nil && nils.status == nil && nils.httpVersion == nil)
        #expect(nils.cache == nil && nils.cacheRaw == nil && nils.pop == nil && nils.popRegion == nil)
        #expect(nils.age == nil && nils.remoteIP == nil && nils.error == nil && nils.errorDetail == nil)
        #expect(nils.vantage.continent == nil)
        #expect(nils.isOrigin)
    }

    @Test("every value of every vocabulary round-trips")
    func vocabularies() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        var probes: [ProbeResult] = []
        let longest = max(Provider.allCases.count, CacheStatus.allCases.count,
                          ProbeErrorClass.allCases.count, Continent.allCases.count)
        for index in 0..<longest {
            var probe = fullProbe(at: referenceTime.addingTimeInterval(Double(index)))
            probe.provider = Provider.allCases[index % Provider.allCases.count]
            probe.cache = CacheStatus.allCases[index % CacheStatus.allCases.count]
            probe.error = ProbeErrorClass.allCases[index % ProbeErrorClass.allCases.count]
            probe.errorDetail = "curl: (28) Operation timed out after 10001 ms"
            probe.popRegion = Continent.allCases[index % Continent.allCases.count]
            probe.vantage.continent = Continent.allCases[(index + 3) % Continent.allCases.count]
            probes.append(probe)
        }
        try store.record(probes)
        #expect(try allProbes(in: store) == probes.map(\.withoutHeaders))
        // The rollups decode the same codes.
        let window = try store.windowAggregates(since: referenceTime, until: referenceTime.addingTimeInterval(60))
        #expect(window.cells == (try rawAggregates(in: store, since: window.since, until: window.until)))
    }

    @Test("probes stream in time order within [since, until)")
    func timeOrderAndBounds() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        let times = [30.0, 10, 20, 0, 40].map { referenceTime.addingTimeInterval($0) }
        try store.record(times.map { fullProbe(at: $0) })
        var seen: [Date] = []
        try store.forEachProbe(since: referenceTime.addingTimeInterval(10),
                               until: referenceTime.addingTimeInterval(40)) { seen.append($0.timestamp) }
        #expect(seen == [10.0, 20, 30].map { referenceTime.addingTimeInterval($0) })
    }

    @Test("an error thrown by the caller stops the stream and comes out unchanged")
    func bodyErrors() throws {
        struct Stop: Error {}
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try store.record([fullProbe(), fullProbe(at: referenceTime + 1)])
        var calls = 0
        #expect(throws: Stop.self) {
            try store.forEachProbe(since: nil, until: nil) { _ in
                calls += 1
                throw Stop()
            }
        }
        #expect(calls == 1)
    }

    @Test("the latest headers are kept per endpoint and vantage, not per probe")
    func latestHeaders() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        #expect(try store.lastHeaders(endpoint: "fastly", site: "changelog.com", vantage: "eu-west").headers.isEmpty)
        var older = fullProbe(at: referenceTime)
        older.headers = [HTTPHeader(name: "X-Cache", value: "MISS")]
        var newer = fullProbe(at: referenceTime + 60)
        newer.headers = [HTTPHeader(name: "X-Cache", value: "HIT"), HTTPHeader(name: "Age", value: "12")]
        try store.record([newer, older])
        #expect(try store.lastHeaders(endpoint: "fastly", site: "changelog.com", vantage: "eu-west").headers == newer.headers)
        // A failed probe without headers, or a late write of an older round, keeps them.
        var failed = bareProbe(at: referenceTime + 120)
        failed.endpoint = "fastly"
        failed.vantage = newer.vantage
        try store.record([failed])
        try store.record([older])
        #expect(try store.lastHeaders(endpoint: "fastly", site: "changelog.com", vantage: "eu-west").headers == newer.headers)
        #expect(try store.lastHeaders(endpoint: "fastly", vantage: "us-east").headers.isEmpty)
    }

    @Test("trailers are kept apart from the headers; rows written before them still read")
    func latestTrailers() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        let store = try SQLiteProbeStore(path: path)
        var probe = fullProbe(at: referenceTime)
        probe.headers = [HTTPHeader(name: "Server", value: "nginx")]
        probe.trailers = [HTTPHeader(name: "Server", value: "cloudflare")]
        try store.record([probe])
        let lines = try store.lastHeaders(endpoint: "fastly", site: "changelog.com", vantage: "eu-west")
        #expect(lines == ResponseHeaderLines(headers: probe.headers, trailers: probe.trailers))
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: #"UPDATE latest_headers SET headers = '[{"name":"X-Cache","value":"HIT"}]'"#)
        }
        let old = try store.lastHeaders(endpoint: "fastly", site: "changelog.com", vantage: "eu-west")
        #expect(old == ResponseHeaderLines(headers: [HTTPHeader(name: "X-Cache", value: "HIT")]))
    }

    @Test("an endpoint whose URL changed keeps its old probes' URL and one name in windows")
    func changedURL() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        var moved = fullProbe(at: referenceTime + 1)
        moved.url = "https://changelog.com/new"
        try store.record([fullProbe(), moved])
        #expect(try allProbes(in: store).map(\.url) == ["https://changelog.com/", "https://changelog.com/new"])
        let window = try store.windowAggregates(since: referenceTime, until: referenceTime + 60)
        #expect(window.byEndpoint["fastly"]?.count == 2)
    }
}

@Suite("Newest probes and headers per endpoint and site")
struct StoreNewestTests {
    /// An endpoint probed long ago stays findable behind thousands of newer probes, and an
    /// endpoint of the same name on another site is never mixed in.
    @Test func newestProbeOfEachEndpointWhateverItsAge() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var slow = fullProbe(at: start)
        slow.endpoint = "hourly"
        var other = fullProbe(at: start.addingTimeInterval(5))
        other.site = "other.example"
        other.headers = [HTTPHeader(name: "Server", value: "other-site")]
        try store.record([slow, other])
        try store.record((1...2000).map { fullProbe(at: start.addingTimeInterval(Double($0))) })
        let newest = try store.newestProbes(site: "changelog.com")
        #expect(newest.map(\.endpoint) == ["fastly", "hourly"])
        #expect(newest.first { $0.endpoint == "hourly" }?.timestamp == start)
        #expect(newest.first { $0.endpoint == "fastly" }?.timestamp == start.addingTimeInterval(2000))
        #expect(try store.newestProbes(site: "other.example").map(\.endpoint) == ["fastly"])
        #expect(try store.lastHeaders(endpoint: "fastly", site: "other.example", vantage: nil).headers.first?.value == "other-site")
        #expect(try store.lastHeaders(endpoint: "fastly", site: "changelog.com", vantage: nil).headers.first?.value != "other-site")
    }
}
