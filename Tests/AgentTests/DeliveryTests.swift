import Agent
import CDNTopCore
import Foundation
import Outbox
import Store
import TestSupport
import Testing

@Suite("Delivery through the outbox")
struct DeliveryTests {
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func probe(_ name: String, at seconds: Double) -> ProbeResult {
        ProbeResult(timestamp: Date(timeIntervalSince1970: 1_800_000_000 + seconds), endpoint: name, site: "s",
                    url: "http://127.0.0.1/", vantage: Vantage(label: "test"), ok: true, status: 200,
                    timings: PhaseTimings(dns: 1, connect: 2, tls: 0, ttfb: 30, transfer: 4, total: 40),
                    headers: [HTTPHeader(name: "X-Cache", value: "HIT")])
    }

    /// Each delivery tells the store where the agent stands: a backlog kept by a locked store
    /// is reported once the store takes writes again (with what is still waiting), and the
    /// count falls to zero when the backlog is gone.
    @Test func deliveriesReportTheAgentsBacklog() throws {
        let directory = try Self.scratch()
        let databasePath = directory.appendingPathComponent("probes.sqlite").path
        var settings = StoreSettings.default
        settings.busyTimeout = 0.2
        let store = try SQLiteProbeStore(path: databasePath, settings: settings)
        let delivery = Delivery(store: store, outbox: try Outbox(path: directory.appendingPathComponent("outbox.sqlite").path))
        delivery.announce(Delivery.Sender(agent: "fra-1", region: "eu-west", interval: 30))

        let lock = try SQLiteWriteLock(path: databasePath)
        #expect(delivery.accept((0..<3).map { Self.probe("p\($0)", at: Double($0)) }).waiting == 3)
        lock.release()
        #expect(try store.agents().isEmpty, "nothing reached the store while it was locked")

        #expect(delivery.deliver().waiting == 0)
        let agent = try #require(try store.agents().first)
        #expect(agent.agent == "fra-1")
        #expect(agent.region == "eu-west")
        #expect(agent.status?.waiting == 0)
        #expect(agent.status?.interval == 30)
    }

    /// Another program's SQLite file is refused; a fresh outbox that several openers create at
    /// the same moment (the UI and an agent starting together) is every opener's.
    @Test func aForeignFileIsRefusedAndConcurrentCreationIsNot() throws {
        let directory = try Self.scratch()
        let foreign = directory.appendingPathComponent("foreign.sqlite").path
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [foreign, "CREATE TABLE notes (body TEXT)"]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let error = #expect(throws: OutboxError.self) { try Outbox(path: foreign) }
        #expect(error?.reason.contains("not a cdntop outbox") == true, "\(String(describing: error))")

        for round in 0..<20 {
            let path = directory.appendingPathComponent("fresh-\(round).sqlite").path
            let failures = Mutexed<[String]>()
            failures.value = []
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do { _ = try Outbox(path: path) } catch { failures.append("\(error)") }
            }
            #expect(failures.value == [], "round \(round)")
        }
    }

    @Test func probesQueuedUnderALockSurviveTheProcessAndAreDeliveredOnceByTheNext() throws {
        let directory = try Self.scratch()
        let databasePath = directory.appendingPathComponent("probes.sqlite").path
        let outboxPath = directory.appendingPathComponent("state/outbox.sqlite").path
        var settings = StoreSettings.default
        settings.busyTimeout = 0.2
        let store = try SQLiteProbeStore(path: databasePath, settings: settings)

        let lock = try SQLiteWriteLock(path: databasePath)
        let blocked = Delivery(store: store, outbox: try Outbox(path: outboxPath)).accept([Self.probe("a", at: 0), Self.probe("b", at: 0)])
        lock.release()
        #expect(blocked.waiting == 2)
        #expect(blocked.onlyInMemory == 0)
        #expect(blocked.storeError?.contains("locked") == true, "\(blocked.storeError ?? "")")

        // Another Delivery on the same files stands for the next run.
        let next = Delivery(store: store, outbox: try Outbox(path: outboxPath)).accept([Self.probe("a", at: 60)])
        #expect(next == Delivery.Outcome(waiting: 0, onlyInMemory: 0, dropped: 0))
        var stored: [ProbeResult] = []
        try store.forEachProbe(since: nil, until: nil) { stored.append($0) }
        #expect(stored.map(\.endpoint) == ["a", "b", "a"], "oldest first")
        #expect(try store.lastHeaders(endpoint: "a", vantage: nil).headers == [HTTPHeader(name: "X-Cache", value: "HIT")],
                "the headers travelled through the outbox")
    }

    @Test func theBoundsDropTheOldestAndSaySo() throws {
        let directory = try Self.scratch()
        let outbox = try Outbox(path: directory.appendingPathComponent("outbox.sqlite").path,
                                limits: OutboxLimits(maxProbes: 3, maxAge: 3600))
        let destination = "/nowhere/probes.sqlite"
        let now = Date()
        #expect(try outbox.enqueue((0..<5).map { KeyedProbe(Self.probe("e\($0)", at: Double($0))) },
                                   destination: destination, now: now) == 2)
        #expect(try outbox.oldest(destination: destination, limit: 10).map(\.keyed.probe.endpoint) == ["e2", "e3", "e4"])
        #expect(try outbox.applyLimits(now: now.addingTimeInterval(3601)) == 3, "past max_age all go")
        #expect(try outbox.count(destination: destination) == 0)
    }

    @Test func anOutboxServesEachStoreOnlyItsOwnProbes() throws {
        let directory = try Self.scratch()
        let outbox = try Outbox(path: directory.appendingPathComponent("outbox.sqlite").path)
        try outbox.enqueue([KeyedProbe(Self.probe("elsewhere", at: 0))], destination: "/other/probes.sqlite")
        let store = try SQLiteProbeStore(path: directory.appendingPathComponent("probes.sqlite").path)
        let outcome = Delivery(store: store, outbox: outbox).accept([Self.probe("here", at: 0)])
        #expect(outcome.waiting == 0)
        var stored: [String] = []
        try store.forEachProbe(since: nil, until: nil) { stored.append($0.endpoint) }
        #expect(stored == ["here"])
        #expect(try outbox.count(destination: "/other/probes.sqlite") == 1)
    }

    @Test func aFileThatIsNotAnOutboxIsRefused() throws {
        let directory = try Self.scratch()
        let store = try SQLiteProbeStore(path: directory.appendingPathComponent("probes.sqlite").path)
        try store.record([Self.probe("a", at: 0)])
        #expect(throws: OutboxError.self) { try Outbox(path: store.location) }
    }
}

@Suite("Endpoints scheduled independently")
struct IndependentScheduleTests {
    /// A 20 s-timeout endpoint on a server that never answers beside a 1 s-interval one: the
    /// fast one keeps its interval and its probes are stored while the slow one still hangs.
    @Test func aHangingEndpointNeverHoldsBackAFastOne() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let silent = try SilentListener()
        defer { silent.close() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("independent-\(UUID()).sqlite").path
        let store = try SQLiteProbeStore(path: path)
        // Touched by the agent's thread only once started; the test reads the store and `landed`.
        nonisolated(unsafe) let agent = ProbeAgent(endpoints: [
            Endpoint(name: "hanging", site: "s", url: silent.url, interval: 60, timeout: 20),
            Endpoint(name: "fast", site: "s", url: server.url("/"), interval: 1),
        ], vantage: Vantage(label: "test"), store: store)
        let landed = Mutexed<[String]>()
        landed.value = []
        agent.onResult = { landed.append($0.endpoint) }
        let stop = StopSignal(signals: [])
        let ended = DispatchSemaphore(value: 0)
        Thread {
            agent.run(until: stop)
            ended.signal()
        }.start()

        func storedFast() -> [ProbeResult] {
            var found: [ProbeResult] = []
            try? store.forEachProbe(since: nil, until: nil) { if $0.endpoint == "fast" { found.append($0) } }
            return found
        }
        let deadline = Date().addingTimeInterval(15)
        while storedFast().count < 4, Date() < deadline { usleep(20_000) }
        let fast = storedFast()
        #expect(!(landed.value ?? []).contains("hanging"), "the slow probe still hangs")
        stop.request()
        silent.close()   // resets the hanging connection: the probe in flight lands now
        #expect(ended.wait(timeout: .now() + 10) == .success)

        #expect(fast.count >= 4, "the fast endpoint's probes were stored as they landed")
        let starts = fast.map(\.timestamp).sorted()
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            let gap = later.timeIntervalSince(earlier)
            #expect(gap > 0.8 && gap < 1.5, "the 1 s interval is kept: \(gap)")
        }
        var all: [ProbeResult] = []
        try store.forEachProbe(since: nil, until: nil) { all.append($0) }
        #expect(all.filter { $0.endpoint == "hanging" }.count == 1, "the hanging probe is stored once it landed")
    }
}
