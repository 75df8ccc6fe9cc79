import CDNTopCore
import Foundation
import GRDB
import Store
import TestSupport
import Testing

@Suite("Events in the probe database")
struct StoreEventTests {
    static let europe = Vantage(label: "eu-west", continent: .europe)
    static let asia = Vantage(label: "ap-south", continent: .asia)

    static func probe(_ second: Double, _ endpoint: String = "fastly", _ vantage: Vantage = europe,
                      cache: CacheStatus? = .hit, error: ProbeErrorClass? = nil) -> ProbeResult {
        ProbeResult(timestamp: referenceTime + second, endpoint: endpoint, site: "changelog.com",
                    url: "https://\(endpoint).example/", vantage: vantage, ok: error == nil,
                    status: error == nil ? 200 : 301, cache: error == nil ? cache : nil,
                    error: error, errorDetail: error.map { "\($0.rawValue) after 5 redirects" })
    }

    static func everything(_ store: any ProbeStore) throws -> EventLog {
        try store.events(since: referenceTime - 1e6, until: referenceTime + 1e6, site: nil, limit: 1000)
    }

    @Test("transitions are found across rounds as they are recorded, per vantage")
    func writtenAtRecordTime() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try store.record([Self.probe(0), Self.probe(0, "fastly", Self.asia)])
        try store.record([Self.probe(60, error: .redirectLoop), Self.probe(60, "fastly", Self.asia)])
        try store.record([Self.probe(120, error: .redirectLoop), Self.probe(120, "fastly", Self.asia)])
        try store.record([Self.probe(180), Self.probe(180, "fastly", Self.asia, error: .timeout)])
        let log = try Self.everything(store)
        #expect(log.events.map(\.text) == ["timeout: timeout after 5 redirects", "recovered from redirect_loop (200)",
                                           "redirect_loop: redirect_loop after 5 redirects"])
        #expect(log.events.map(\.vantage) == ["ap-south", "eu-west", "eu-west"])
        #expect(log.failing == [FailingVantage(endpoint: "fastly", vantage: "ap-south", since: referenceTime + 180,
                                               latest: referenceTime + 180, error: .timeout)])
    }

    @Test("cache flips fold into one line counting the whole window, naming its first flip")
    func foldedFlips() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        // A flip with every probe after the first, 200 probes in rounds of 10.
        let probes = (0..<200).map { Self.probe(Double($0) * 30, cache: $0 % 2 == 0 ? .miss : .hit) }
        try record(probes, into: store)
        let since = referenceTime + 30 * 50
        let log = try store.events(since: since, until: referenceTime + 30 * 150, site: "changelog.com", limit: 10)
        let flip = try #require(log.events.first)
        #expect(log.events.count == 1)
        #expect(flip.count == 100, "flips of probes 50 to 149")
        #expect(flip.firstTime == since)
        #expect(flip.time == referenceTime + 30 * 149)
        #expect(flip.text == "cache flipped 100× since 22:38:20 (HIT, MISS)")
    }

    @Test("a window is [since, until): an event at since is in, one at until is out; the rest are counted")
    func windowBoundariesAndLimit() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        // Failing and recovering in turn: an event with every probe after the first.
        try record((0..<21).map { Self.probe(Double($0) * 10, error: $0 % 2 == 1 ? .timeout : nil) }, into: store)
        let log = try store.events(since: referenceTime + 10, until: referenceTime + 200, site: nil, limit: 5)
        #expect(log.events.count == 5)
        #expect(log.omitted == 14, "events at 10 … 190: 19 of them, 5 returned")
        #expect(log.events.first?.time == referenceTime + 190)
        let all = try store.events(since: referenceTime + 10, until: referenceTime + 200, site: nil, limit: 100)
        #expect(all.events.count == 19 && all.omitted == 0)
        #expect(all.events.last?.time == referenceTime + 10)
        #expect(try store.events(since: referenceTime + 10, until: referenceTime + 200, site: "another.site", limit: 5).events.isEmpty)
    }

    /// An older cdntop's file has probes but no events: the migration finds them, and finds
    /// exactly what recording would have found.
    @Test("upgrading a database fills the events from its raw probes")
    func backfillOnMigration() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        let probes = syntheticProbes(from: referenceTime, count: 900)
        let recorded: EventLog
        do {
            let store = try SQLiteProbeStore(path: path)
            try record(probes, into: store)
            recorded = try Self.everything(store)
        }
        #expect(recorded.events.count > 10)
        // Turn the file back into one written before events existed.
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                DROP TABLE event; DROP TABLE probe_state; DROP INDEX probe_failures;
                DELETE FROM grdb_migrations WHERE identifier = 'v2 events';
                """)
        }
        let upgraded = try SQLiteProbeStore(path: path)
        #expect(try Self.everything(upgraded) == recorded)
    }

    /// Two agents recording the same endpoint and vantage at once: each transition must be
    /// judged against the state the other left. Read outside the write lock, both would see
    /// "ok" and both write "failed": two failures in a row.
    @Test("two writers take turns: failures and recoveries alternate, none doubled or lost")
    func twoWriters() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("probes.sqlite")
        let failing = try SQLiteProbeStore(path: path)
        let succeeding = try SQLiteProbeStore(path: path)
        let clock = SecondsCounter()
        /// Rounds get increasing times, but may commit in either order: a late one is skipped.
        @Sendable func nextRound(_ error: ProbeErrorClass?) -> [ProbeResult] {
            [Self.probe(clock.next(), error: error)]
        }
        async let one: Void = Task.detached {
            for _ in 0..<150 { try failing.record(nextRound(.timeout)) }
        }.value
        async let other: Void = Task.detached {
            for _ in 0..<150 { try succeeding.record(nextRound(nil)) }
        }.value
        _ = try await (one, other)
        let kinds = try Self.everything(failing).events.reversed().map(\.kind)
        #expect(!kinds.isEmpty)
        #expect(kinds.first == .failed)
        #expect(zip(kinds, kinds.dropFirst()).allSatisfy { $0 != $1 }, "\(kinds)")
    }

    @Test("events age out with the raw probes; the failure run's start outlives them")
    func retention() throws {
        let directory = try TemporaryDirectory()
        let settings = StoreSettings(retention: 3600, minuteRollupRetention: 7200, rollupRetention: 86_400, busyTimeout: 5)
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"), settings: settings)
        try store.record([Self.probe(0)])
        try store.record([Self.probe(60, error: .timeout)])
        try store.record([Self.probe(5000, error: .timeout)])
        try store.prune(now: referenceTime + 4000)
        let log = try Self.everything(store)
        #expect(log.events.isEmpty)
        #expect(log.failing.first?.since == referenceTime + 60)
    }

    @Test("the detail view's recent errors: the newest failed probes of one endpoint")
    func recentFailures() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteProbeStore(path: directory.file("probes.sqlite"))
        try record((0..<30).map { Self.probe(Double($0), error: $0 % 3 == 0 ? nil : .redirectLoop) }
            + [Self.probe(100, "bunny", error: .timeout)], into: store)
        let failures = try store.recentFailures(endpoint: "fastly", site: "changelog.com", limit: 4)
        #expect(failures.map(\.timestamp) == [29, 28, 26, 25].map { referenceTime + Double($0) })
        #expect(failures.allSatisfy { $0.error == .redirectLoop && $0.endpoint == "fastly" })
        #expect(try store.recentFailures(endpoint: "fastly", site: "another.site", limit: 4).isEmpty)
    }
}

/// Hands out 1, 2, 3 … to the threads of a test.
private final class SecondsCounter: @unchecked Sendable {
    // @unchecked: `last` is only touched while holding `lock`.
    private let lock = NSLock()
    private var last = 0.0

    func next() -> Double {
        lock.withLock {
            last += 1
            return last
        }
    }
}
