import CDNTopCore
import Foundation
import PostgresStore
import Store
import TestSupport
import Testing

/// Real traffic on the server: the same figures as the SQLite file, positions that move with
/// their minutes, concurrent ingests that lose nothing, retention.
@Suite("Real traffic on PostgreSQL")
struct PostgresTrafficTests {
    static let end = referenceTime + 32 * 86_400

    /// A month of traffic (made once per test process), every field filled: a minute every 53
    /// minutes for three (site, provider) cells — one without a provider, one whose site is not
    /// ASCII, so byte order matters — with missing paths enough to overflow the top-misses
    /// sketch when minutes merge, so its bounded merges (which depend on order) are exercised,
    /// and TTFB values.
    static let month = monthOfMinutes()

    private static func monthOfMinutes() -> [TrafficMinute] {
        var random = SeededGenerator(seed: 15)
        let cells: [(String, Provider?)] = [("shop.example", .fastly), ("shop.example", nil), ("café.example", .cloudflare)]
        var minutes: [TrafficMinute] = []
        let start = Int64(referenceTime.timeIntervalSince1970) / 60 * 60
        for minute in stride(from: start, to: Int64(end.timeIntervalSince1970), by: 53 * 60) {
            for (site, provider) in cells {
                var traffic = TrafficMinute(site: site, provider: provider, minute: minute)
                for content in [ContentClass.html, .image, .cssJS] {
                    var tally = CacheTally()
                    tally.add(.hit, count: Int64.random(in: 0...40, using: &random))
                    tally.add(.miss, count: Int64.random(in: 0...20, using: &random))
                    tally.add(.expired, count: Int64.random(in: 0...2, using: &random))
                    tally.add(nil, count: Int64.random(in: 0...1, using: &random))
                    traffic.cache.merge(tally)
                    traffic.byContent[content] = tally
                }
                traffic.bytes = traffic.requests * Int64.random(in: 500...90_000, using: &random)
                traffic.byHTTPVersion = ["1.1": traffic.requests / 2, "2": traffic.requests - traffic.requests / 2]
                traffic.byStatusClass = [2: traffic.requests - 3, 3: 1, 5: 2]
                traffic.byPOP = ["AMS": Int64.random(in: 1...9, using: &random), "FRA": 4]
                for _ in 0..<30 { traffic.ttfb.add(Double.random(in: 0.001...0.9, using: &random)) }
                for _ in 0..<40 {
                    traffic.topMisses.add("/p/\(Int.random(in: 0..<300, using: &random))",
                                          count: Int64.random(in: 1...5, using: &random))
                }
                traffic.malformedLines = Int64.random(in: 0...1, using: &random)
                minutes.append(traffic)
            }
        }
        return minutes
    }

    /// Records `minutes` as ingest does: batches of consecutive minutes, oldest first.
    static func record(_ minutes: [TrafficMinute], into store: any TrafficStore, batch: Int = 60) throws {
        for start in stride(from: 0, to: minutes.count, by: batch) {
            try store.recordTraffic(Array(minutes[start..<min(start + batch, minutes.count)]), position: nil)
        }
    }

    @Test("the same minutes give the same windows and series on SQLite and PostgreSQL, before and after pruning")
    func parity() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-pgtraffic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try SQLiteProbeStore(path: directory.appendingPathComponent("probes.sqlite").path)
        let postgres = try TestDatabase().store()
        let minutes = Self.month
        for store in [sqlite, postgres] as [any ProbeStore] {
            try Self.record(minutes, into: store)
        }

        func compare() throws {
            let windows: [(Date, Date)] = [(Self.end - 3600 - 17.5, Self.end), (Self.end - 86_400, Self.end - 301),
                                           (Self.end - 30 * 86_400 + 0.25, Self.end + 60)]
            for (since, until) in windows {
                for site in [nil, "shop.example", "café.example"] as [String?] {
                    let fromPostgres = try postgres.trafficWindow(since: since, until: until, site: site)
                    #expect(!fromPostgres.isEmpty)
                    #expect(fromPostgres == (try sqlite.trafficWindow(since: since, until: until, site: site)))
                }
                for span in RollupSpan.allCases {
                    let fromPostgres = try postgres.trafficSeries(since: since, until: until, span: span, site: nil)
                    #expect(fromPostgres == (try sqlite.trafficSeries(since: since, until: until, span: span, site: nil)))
                }
            }
        }
        try compare()
        // The 30-day window's whole figures are every minute's, counted once.
        let month = try postgres.trafficWindow(since: referenceTime - 86_400, until: Self.end + 86_400, site: "shop.example")
        let sent: Int64 = minutes.filter { $0.site == "shop.example" }.map(\.requests).reduce(0, +)
        #expect(month.map(\.requests).reduce(0, +) == sent)
        #expect(month.contains { $0.topMisses.error > 0 }, "the sketch overflowed, so merge order matters")

        for store in [sqlite, postgres] as [any ProbeStore] {
            try store.prune(now: Self.end)
        }
        try compare()
    }

    @Test("retention deletes traffic rows behind the probes' rollup horizons, and windows widen past them")
    func pruning() throws {
        let store = try TestDatabase().store()
        let minutes = Self.month
        try Self.record(minutes, into: store)
        let old = Self.end - 3 * 86_400
        let minutesBefore = try store.trafficSeries(since: referenceTime, until: old, span: .minute, site: nil)
        #expect(!minutesBefore.isEmpty)

        try store.prune(now: Self.end)
        // Minute rows older than two days are gone; hour and day rows (400 days) stay.
        #expect(try store.trafficSeries(since: referenceTime, until: old, span: .minute, site: nil).isEmpty)
        let recentMinutes = try store.trafficSeries(since: Self.end - 86_400, until: Self.end, span: .minute, site: nil)
        #expect(!recentMinutes.isEmpty)
        let hours = try store.trafficSeries(since: referenceTime, until: Self.end, span: .hour, site: nil)
        let sent: Int64 = minutes.map(\.requests).reduce(0, +)
        #expect(hours.map(\.requests).reduce(0, +) == sent)
        // A window starting three days ago widens to its hour: nothing counted is lost.
        let window = try store.trafficWindow(since: old + 120, until: Self.end, site: nil)
        let widened = RollupSpan.hour.floor(Int64(old.timeIntervalSince1970) + 120)
        #expect(window.allSatisfy { $0.minute == widened })
        let sentSince: Int64 = minutes.filter { $0.minute >= widened }.map(\.requests).reduce(0, +)
        #expect(window.map(\.requests).reduce(0, +) == sentSince)

        // Past the rollup retention, everything goes.
        try store.prune(now: Self.end + 401 * 86_400)
        #expect(try store.trafficSeries(since: referenceTime, until: Self.end, span: .day, site: nil).isEmpty)
    }

    @Test("a log position round-trips and moves in the same transaction as its minutes: a failed write moves neither")
    func positions() throws {
        let database = try TestDatabase()
        let store = try database.store()
        #expect(try store.logPosition(source: "/var/log/nginx/access.log") == nil)
        let first = LogPosition(source: "/var/log/nginx/access.log", fileID: "2049:131", offset: 4096)
        let minute = Self.month[0]
        try store.recordTraffic([minute], position: first)
        #expect(try store.logPosition(source: first.source) == first)
        // A position alone moves too (a file of only malformed lines, or rotation).
        let rotated = LogPosition(source: first.source, fileID: "2049:977", offset: 0)
        try store.recordTraffic([], position: rotated)
        #expect(try PostgresProbeStore.openReadOnly(uri: database.uri).logPosition(source: first.source) == rotated)

        // The server refuses the position after the minutes were merged: both roll back.
        try database.server.execute("""
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON log_position FOR EACH ROW EXECUTE FUNCTION refuse();
            """, database: database.name)
        let moved = LogPosition(source: first.source, fileID: rotated.fileID, offset: 8192)
        #expect(throws: StoreError.self) { try store.recordTraffic([minute], position: moved) }
        #expect(try store.logPosition(source: first.source) == rotated)
        let since = Date(timeIntervalSince1970: TimeInterval(minute.minute))
        #expect(try store.trafficWindow(since: since, until: since + 60, site: nil).map(\.requests) == [minute.requests])

        // Once the server takes it again, the same write goes in once.
        try database.server.execute("DROP TRIGGER refuse ON log_position", database: database.name)
        try store.recordTraffic([minute], position: moved)
        #expect(try store.logPosition(source: first.source) == moved)
        #expect(try store.trafficWindow(since: since, until: since + 60, site: nil).map(\.requests) == [2 * minute.requests])
    }

    @Test("six ingests on their own connections merging into the same minutes at once sum exactly")
    func concurrentWriters() async throws {
        let database = try TestDatabase()
        let writers = 6
        // Two days of one site through two providers, as several files of one site's logs.
        let minutes = Array(Self.month.filter { $0.site == "shop.example" }.prefix(160))
        let stores = try (0..<writers).map { _ in try database.store() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    // Each writer sends the batches in its own order, so they meet on every row.
                    let batches = stride(from: 0, to: minutes.count, by: 20).map { Array(minutes[$0..<min($0 + 20, minutes.count)]) }
                    for (number, batch) in (index.isMultiple(of: 2) ? batches : batches.reversed()).enumerated() {
                        try store.recordTraffic(batch, position: LogPosition(source: "/logs/\(index).log", fileID: "1:\(index)",
                                                                              offset: Int64(number + 1)))
                    }
                }
            }
            try await group.waitForAll()
        }
        let reader = try PostgresProbeStore.openReadOnly(uri: database.uri)
        let since = Date(timeIntervalSince1970: TimeInterval(minutes.map(\.minute).min()!))
        let until = Date(timeIntervalSince1970: TimeInterval(minutes.map(\.minute).max()! + 60))
        let expected = Dictionary(grouping: minutes, by: { $0.provider?.rawValue ?? "" })
        for span in RollupSpan.allCases {
            let series = try reader.trafficSeries(since: since, until: until, span: span, site: nil)
            let stored = Dictionary(grouping: series, by: { $0.provider?.rawValue ?? "" })
            #expect(Set(stored.keys) == Set(expected.keys))
            for (provider, sent) in expected {
                let got = stored[provider] ?? []
                #expect(Self.additiveFigures(got) == Self.additiveFigures(sent, times: writers), "\(span) \(provider)")
                let ttfbCount: Int = sent.map(\.ttfb.count).reduce(0, +)
                #expect(got.map(\.ttfb.count).reduce(0, +) == writers * ttfbCount)
            }
        }
        for index in 0..<writers {
            #expect(try reader.logPosition(source: "/logs/\(index).log")?.offset == 8)
        }
    }

    /// The figures that add up exactly whatever order rows are merged in.
    struct Additive: Equatable {
        var cache = CacheTally()
        var bytes: Int64 = 0
        var byContent: [ContentClass: CacheTally] = [:]
        var byHTTPVersion: [String: Int64] = [:]
        var byStatusClass: [Int: Int64] = [:]
        var byPOP: [String: Int64] = [:]
        var malformed: Int64 = 0
    }

    static func additiveFigures(_ minutes: [TrafficMinute], times: Int = 1) -> Additive {
        var sum = Additive()
        for minute in minutes {
            for _ in 0..<times {
                sum.cache.merge(minute.cache)
                sum.bytes += minute.bytes
                sum.byContent.merge(minute.byContent) { var merged = $0; merged.merge($1); return merged }
                sum.byHTTPVersion.merge(minute.byHTTPVersion, uniquingKeysWith: +)
                sum.byStatusClass.merge(minute.byStatusClass, uniquingKeysWith: +)
                sum.byPOP.merge(minute.byPOP, uniquingKeysWith: +)
                sum.malformed += minute.malformedLines
            }
        }
        return sum
    }
}
