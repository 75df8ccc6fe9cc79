import CDNTopCore
import Foundation
import PostgresStore
import Store
import TestSupport
import Testing

@Suite("PostgreSQL probe database")
struct PostgresStoreTests {
    @Test("every field of a probe survives the server; headers, failures and the change marker read back")
    func roundTrip() throws {
        let database = try TestDatabase()
        let store = try database.store()
        #expect(store.location == database.location)
        #expect(try store.changeMarker() == 0)
        var failed = bareProbe(at: referenceTime + 1)
        failed.error = .timeout
        failed.errorDetail = "Operation timed out after 10000 ms"
        failed.agent = "agent-home"
        let probes = [fullProbe(), failed]
        try store.record(probes)
        #expect(try allProbes(in: store) == probes.map(\.withoutHeaders))
        #expect(try store.changeMarker() == 2)
        #expect(try store.lastHeaders(endpoint: "fastly", vantage: nil).headers == fullProbe().headers)
        #expect(try store.lastHeaders(endpoint: "fastly", site: "other.example", vantage: nil).headers.isEmpty)
        #expect(try store.recentFailures(endpoint: "origin", site: nil, limit: 5) == [failed.withoutHeaders])
        #expect(try store.newestProbes(site: "changelog.com") == probes.map(\.withoutHeaders))
        #expect(try store.endpoints().map(\.name) == ["fastly", "origin"])

        // A reader on its own connection sees the same, and refuses to write.
        let reader = try PostgresProbeStore.openReadOnly(uri: database.uri)
        #expect(try allProbes(in: reader) == probes.map(\.withoutHeaders))
        #expect(throws: StoreError.self) { try reader.record([fullProbe(at: referenceTime + 5)]) }
    }

    @Test("a batch delivered twice is stored once, and a half-new batch adds only its new half")
    func deliveryKeys() throws {
        let store = try TestDatabase().store()
        let batch = agentProbes(from: referenceTime, count: 40)
        let keys = batch.indices.map { "outbox-\($0)" }
        try store.record(Array(batch[..<20]), deliveryKeys: Array(keys[..<20]))
        try store.record(Array(batch[..<20]), deliveryKeys: Array(keys[..<20]))
        try store.record(batch, deliveryKeys: keys)
        try store.record(batch, deliveryKeys: keys)
        #expect(try allProbes(in: store).count == 40)
        #expect(try store.changeMarker() == 40)
        let window = try store.windowAggregates(since: referenceTime - 3600, until: referenceTime + 86_400)
        #expect(window.cells.values.reduce(0) { $0 + $1.count } == 40)
        #expect(try rawAggregates(in: store, since: referenceTime - 3600, until: referenceTime + 86_400) == window.cells)
    }

    @Test("retention drops whole day partitions and deletes events and rollups behind their horizons")
    func retention() throws {
        let database = try TestDatabase()
        let day = 86_400.0
        let settings = StoreSettings(retention: 2 * day, minuteRollupRetention: day, rollupRetention: 10 * day, busyTimeout: 5)
        let store = try database.store(settings: settings)
        // Five days of probes, one every 10 minutes; the third day has failures (events).
        let start = Date(timeIntervalSince1970: (referenceTime.timeIntervalSince1970 / day).rounded(.down) * day)
        let probes = agentProbes(from: start, count: 5 * 144, every: 600)
        try record(probes, into: store, roundSize: 24)
        let now = start + 5 * day + 6 * 3600
        let partitions = "SELECT min(c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'probe'::regclass"
        #expect(try database.server.query(partitions, database: database.name) == "probe_d20231114")
        try store.prune(now: now)

        let cutoff = now - 2 * day
        let kept = try allProbes(in: store)
        // Whole days: the day holding the cutoff stays, the days before it went.
        #expect(kept.count == probes.filter { $0.timestamp >= start + 3 * day }.count)
        #expect(kept.contains { $0.timestamp < cutoff })
        #expect(try database.server.query(partitions, database: database.name) == "probe_d20231117")
        #expect(try store.events(since: start, until: cutoff, site: nil, limit: 100).events.isEmpty)
        #expect(try !store.events(since: cutoff, until: now, site: nil, limit: 100).events.isEmpty)
        // Hour and day rollups outlive raw probes: the whole five days still count.
        let window = try store.windowAggregates(since: start, until: now)
        #expect(window.cells.values.reduce(0) { $0 + $1.count } == probes.count)
        #expect(try database.server.query("SELECT count(*) FROM rollup WHERE span = 60 AND bucket < \(Int64((now - day).timeIntervalSince1970))",
                                          database: database.name) == "0")
    }

    @Test("agents' statuses and newest probes are kept per agent")
    func agents() throws {
        let store = try TestDatabase().store()
        let status = AgentStatus(agent: "agent-eu-west", region: "eu-west", interval: 30, waiting: 340, dropped: 2,
                                 at: referenceTime + 0.25)
        try store.report(status)
        let probes = agentProbes(from: referenceTime, count: 12)
        try store.record(probes)
        let agents = try store.agents()
        #expect(agents.map(\.agent) == ["agent-eu-west", "agent-us-east"])
        #expect(agents.first?.status == status)
        // Stored to the microsecond.
        let newest = try #require(probes.filter { $0.agent == "agent-eu-west" }.map(\.timestamp).max())
        #expect(try abs(#require(agents.first?.lastProbe).timeIntervalSince(newest)) < 1e-6)
    }

    @Test("a server restart between rounds heals on the next use")
    func reconnects() throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        let name = try server.createDatabase()
        let store = try PostgresProbeStore(uri: server.uri(database: name))
        try store.record(agentProbes(from: referenceTime, count: 10))
        try server.restart()
        // Both connections (the writer's and the reader's) find theirs dropped, reconnect and
        // carry on: no round fails.
        for round in 1...3 {
            try store.record(agentProbes(from: referenceTime + Double(round) * 600, count: 10))
        }
        #expect(try store.changeMarker() == 40)
        #expect(try allProbes(in: store).count == 40)
    }
}
