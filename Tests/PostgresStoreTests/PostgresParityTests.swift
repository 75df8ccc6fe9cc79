import CDNTopCore
import Foundation
import PostgresStore
import Report
import Store
import TestSupport
import Testing

@Suite("PostgreSQL beside SQLite, and many writers")
struct PostgresParityTests {
    @Test("the same probes give the same windows, series, events, catalog, agents and report on both engines")
    func parity() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try SQLiteProbeStore(path: directory.appendingPathComponent("probes.sqlite").path)
        let postgres = try TestDatabase().store()

        // Three days of probes with failures, cache flips and status changes; an agent status.
        let probes = agentProbes(from: referenceTime, count: 3 * 24 * 90)
        let status = AgentStatus(agent: "agent-eu-west", region: "eu-west", interval: 40, waiting: 340, dropped: 0,
                                 at: referenceTime + 3 * 86_400)
        for store in [sqlite, postgres] as [any ProbeStore] {
            try record(probes, into: store, roundSize: 30)
            try store.report(status)
        }

        let end = referenceTime + 3 * 86_400
        let windows: [(Date, Date)] = [(end - 3600 - 17.5, end), (end - 86_400, end - 301), (referenceTime - 60, end + 60),
                                       (referenceTime + 5000.25, referenceTime + 100_000)]
        for (since, until) in windows {
            #expect(try postgres.windowAggregates(since: since, until: until) == sqlite.windowAggregates(since: since, until: until))
            #expect(try postgres.windowAggregates(since: since, until: until, site: "changelog.com")
                    == sqlite.windowAggregates(since: since, until: until, site: "changelog.com"))
            for span in RollupSpan.allCases {
                #expect(try postgres.timeSeries(since: since, until: until, span: span, vantage: "eu-west")
                        == sqlite.timeSeries(since: since, until: until, span: span, vantage: "eu-west"))
                #expect(try postgres.timeSeries(since: since, until: until, span: span)
                        == sqlite.timeSeries(since: since, until: until, span: span))
            }
            #expect(try postgres.events(since: since, until: until, site: nil, limit: 20)
                    == sqlite.events(since: since, until: until, site: nil, limit: 20))
        }
        #expect(try postgres.endpoints() == sqlite.endpoints())
        #expect(try postgres.newestProbes(site: "changelog.com") == sqlite.newestProbes(site: "changelog.com"))
        #expect(try postgres.recentFailures(endpoint: "bunny", site: nil, limit: 7)
                == sqlite.recentFailures(endpoint: "bunny", site: nil, limit: 7))
        #expect(try postgres.agents() == sqlite.agents())
        #expect(try postgres.lastHeaders(endpoint: "fastly", vantage: "eu-west") == sqlite.lastHeaders(endpoint: "fastly", vantage: "eu-west"))
        #expect(try allProbes(in: postgres) == allProbes(in: sqlite))

        for window in [ReportWindow.hour, .day, .week] {
            let fromSQLite = try ReportBuilder.analyze(store: sqlite, site: nil, window: window, now: end)
            let fromPostgres = try ReportBuilder.analyze(store: postgres, site: nil, window: window, now: end)
            #expect(JSONReport.render(fromPostgres, generatedAt: end) == JSONReport.render(fromSQLite, generatedAt: end))
        }
    }

    @Test("20 agents writing at once, on their own connections: every window counts every raw probe once")
    func twentyWriters() async throws {
        let database = try TestDatabase()
        // Two vantages shared by ten agents each, rounds a few seconds apart: the agents
        // contend for the same rollup rows and probe states all the time.
        let writers = 20, rounds = 15, roundSize = 30
        let stores = try (0..<writers).map { _ in try database.store() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    for round in 0..<rounds {
                        let probes = syntheticProbes(from: referenceTime + Double(round) * 3 + Double(index) * 0.001,
                                                     count: roundSize, every: 2).map { probe in
                            var sent = probe
                            sent.vantage = Vantage(label: "region-\(index % 2)", continent: .europe)
                            sent.agent = "agent-\(index)"
                            return sent
                        }
                        try store.record(probes)
                    }
                }
            }
            try await group.waitForAll()
        }
        let reader = try PostgresProbeStore.openReadOnly(uri: database.uri)
        let since = referenceTime - 86_400, until = referenceTime + 2 * 86_400
        let raw = try rawAggregates(in: reader, since: since, until: until)
        let window = try reader.windowAggregates(since: since, until: until)
        #expect(raw.values.reduce(0) { $0 + $1.count } == writers * rounds * roundSize)
        #expect(window.cells == raw)
        #expect(try reader.changeMarker() == Int64(writers * rounds * roundSize))
        #expect(try reader.agents().count == writers)
        // Hour rows hold the same figures as the minutes they cover.
        let hourly = try reader.timeSeries(since: since, until: until, span: .hour)
        let minutely = try reader.timeSeries(since: since, until: until, span: .minute)
        for (endpoint, points) in hourly.points {
            #expect(points.reduce(0) { $0 + $1.aggregate.count } == minutely.points[endpoint]?.reduce(0) { $0 + $1.aggregate.count })
        }
    }

    @Test("two stores opening an empty database at once both find one schema")
    func concurrentCreation() async throws {
        let database = try TestDatabase()
        async let first = Task.detached { try database.store().location }.value
        async let second = Task.detached { try database.store().location }.value
        #expect(try await [first, second] == [database.location, database.location])
    }
}
