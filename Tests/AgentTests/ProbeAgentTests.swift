import Agent
import CDNTopCore
import Foundation
import Store
import TestSupport
import Testing

@Suite("Probe agent")
struct ProbeAgentTests {
    @Test func eachRoundIsStoredAndRoundsFollowTheIntervals() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID()).sqlite").path
        let store = try SQLiteProbeStore(path: path)
        let endpoints = [
            Endpoint(name: "fast", site: "s", url: server.url("/delay/1"), interval: 0.2),
            Endpoint(name: "slow", site: "s", url: server.url("/status/503"), interval: 0.2),
        ]
        let agent = ProbeAgent(endpoints: endpoints, vantage: Vantage(label: "test"), store: store)
        let stop = StopSignal(signals: [])
        var rounds: [ProbeAgent.RoundReport] = []
        agent.onRound = { report in
            rounds.append(report)
            if rounds.count == 3 { stop.request() }
        }
        agent.run(until: stop)

        #expect(rounds.count == 3)
        #expect(rounds.allSatisfy { $0.storeError == nil && $0.results.count == 2 })
        var stored: [ProbeResult] = []
        try store.forEachProbe(since: nil, until: nil) { stored.append($0) }
        #expect(stored.count == 6, "every probe of every round is in the database")
        #expect(stored.filter { $0.error == .httpStatus }.count == 3)
        let starts = Set(stored.map(\.timestamp)).sorted()
        #expect(starts.count == 3)
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 0.15, "rounds follow the 200 ms interval")
        }
    }

    @Test func aRoundThatCannotBeStoredIsKeptForTheNext() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-ro-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("probes.sqlite").path
        var settings = StoreSettings.default
        settings.busyTimeout = 0.2
        let store = try SQLiteProbeStore(path: path, settings: settings)
        let agent = ProbeAgent(endpoints: [Endpoint(name: "a", site: "s", url: server.url("/"))],
                               vantage: Vantage(label: "test"), store: store)

        // A second connection holds the write lock, as a long transaction elsewhere would.
        let blocker = try SQLiteWriteLock(path: path)
        let blocked = agent.runRound()
        #expect(blocked.storeError != nil)
        blocker.release()

        let next = agent.runRound()
        #expect(next.storeError == nil)
        var count = 0
        try store.forEachProbe(since: nil, until: nil) { _ in count += 1 }
        #expect(count == 2, "the blocked round was written with the next one")
    }
}
