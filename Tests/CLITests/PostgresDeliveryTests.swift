import Foundation
import TestSupport
import Testing

/// The delivery promise against a real PostgreSQL server that goes away: an agent keeps
/// probing on schedule while the server is down, queues in its outbox, and once the server is
/// back every probe it printed is in the database exactly once — also when the agent is
/// killed with SIGKILL in the middle of draining its backlog.
@Suite("cdntop probe into PostgreSQL through an outage", .serialized)
struct PostgresDeliveryTests {
    /// `count` endpoints on the loopback server, each probed every `interval`.
    static func config(_ server: LoopbackHTTPServer, count: Int, interval: String) -> String {
        var text = "[agent]\nregion = \"eu-west\"\n"
        for index in 0..<count {
            text += "\n[[endpoint]]\nname = \"e\(index)\"\nsite = \"loopback\"\nurl = \"\(server.url("/"))\"\ninterval = \"\(interval)\"\n"
        }
        return text
    }

    /// Keeps reading a pipe on its own thread: what a child printed so far, without blocking it.
    final class Collector: @unchecked Sendable {
        private let text = Mutexed<String>()
        private let ended = Mutexed<Bool>()
        init(_ pipe: Pipe) {
            text.value = ""
            Thread.detachNewThread { [text, ended] in
                while let data = PipeReader.readSome(pipe.fileHandleForReading) {
                    text.value = (text.value ?? "") + String(decoding: data, as: UTF8.self)
                }
                ended.value = true
            }
        }
        /// Waits for the end of the pipe (the child exited and its output is all read).
        func waitForEnd(seconds: Double = 30) {
            let deadline = Date().addingTimeInterval(seconds)
            while ended.value != true, Date() < deadline { usleep(10_000) }
        }
        var value: String { text.value ?? "" }
        /// Whole lines only: the last may still be arriving.
        var lines: [String] {
            let all = value
            guard let end = all.lastIndex(of: "\n") else { return [] }
            return all[..<end].split(separator: "\n").map(String.init)
        }
    }

    /// The (endpoint, ts) of each JSON line: what identifies a probe across print and store.
    static func keys(_ lines: [String]) throws -> [String] {
        try lines.map { line in
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return "\(object["endpoint"] as? String ?? "?") \(object["ts"] as? String ?? "?")"
        }
    }

    static func stored(_ cli: CLIRunner, uri: String) throws -> [String] {
        let export = try cli.run(["export", "--db", uri])
        #expect(export.status == 0, "\(export.stderr)")
        return try keys(export.lines)
    }

    static func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// A server of the test's own (it is stopped mid-test), a loopback site of `count`
    /// endpoints, and the agent's command line with its own outbox.
    struct Outage {
        let postgres: PostgresServer
        let site: LoopbackHTTPServer
        let cli: CLIRunner
        let database: String
        let uri: String
        let arguments: [String]

        init(endpoints count: Int, interval: String) throws {
            postgres = try PostgresServer.start()
            database = try postgres.createDatabase()
            uri = postgres.uri(database: database, password: postgres.password)
            site = try LoopbackHTTPServer.start()
            cli = try CLIRunner()
            try cli.writeConfig(PostgresDeliveryTests.config(site, count: count, interval: interval))
            arguments = ["probe", "--json", "--config", cli.configPath, "--db", uri,
                         "--outbox", cli.directory.appendingPathComponent("outbox.sqlite").path]
        }

        func stop() {
            site.stop()
            postgres.stop()
        }

        /// Probes stored so far, counted on the server (quicker than an export).
        func storedCount() throws -> Int {
            Int(try postgres.query("SELECT count(*) FROM probe", database: database)) ?? -1
        }
    }

    @Test func everyPrintedProbeIsStoredOnceAfterTheServerComesBack() throws {
        let outage = try Outage(endpoints: 3, interval: "200ms")
        defer { outage.stop() }
        let (postgres, cli, uri) = (outage.postgres, outage.cli, outage.uri)
        let (process, out, err) = try cli.start(outage.arguments)
        let printed = Collector(out), log = Collector(err)

        #expect(Self.waitUntil(seconds: 20) { printed.lines.count >= 15 }, "probing: \(log.value)")
        try postgres.pause()
        let beforeOutage = printed.lines.count
        #expect(Self.waitUntil(seconds: 20) { log.value.contains("not stored yet") }, "the agent says probes wait: \(log.value)")
        #expect(Self.waitUntil(seconds: 20) { printed.lines.count >= beforeOutage + 30 }, "it keeps probing on schedule")
        try postgres.resume()
        #expect(try Self.waitUntil(seconds: 30) { try Self.stored(cli, uri: uri).count >= printed.lines.count },
                "the backlog drains once the server is back")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        printed.waitForEnd()
        log.waitForEnd()
        #expect(process.terminationStatus == 0, "\(log.value)")

        let printedKeys = try Self.keys(printed.lines)
        let storedKeys = try Self.stored(cli, uri: uri)
        #expect(Set(storedKeys).count == storedKeys.count, "no probe stored twice")
        #expect(Set(storedKeys) == Set(printedKeys), "every printed probe is stored, and only those")
        #expect(!log.value.contains(postgres.password), "the password never reaches stderr")
    }

    @Test func aKillDuringTheDrainLosesNothingAndDoublesNothing() throws {
        let outage = try Outage(endpoints: 40, interval: "100ms")
        defer { outage.stop() }
        let (postgres, cli, uri, arguments) = (outage.postgres, outage.cli, outage.uri, outage.arguments)

        // A backlog of a few thousand probes, queued while the server is down.
        let (first, firstOut, firstErr) = try cli.start(arguments)
        let printed = Collector(firstOut)
        _ = Collector(firstErr)
        #expect(Self.waitUntil(seconds: 20) { printed.lines.count >= 40 })
        let storedBeforeOutage = try outage.storedCount()
        try postgres.pause()
        let atOutage = printed.lines.count
        #expect(Self.waitUntil(seconds: 30) { printed.lines.count >= atOutage + 2000 }, "a backlog builds")
        try postgres.resume()
        // Killed as soon as the drain has begun: some batches stored, the rest still in the outbox.
        #expect(try Self.waitUntil(seconds: 30) { try outage.storedCount() > storedBeforeOutage })
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        printed.waitForEnd()
        let printedByFirst = try Self.keys(printed.lines)

        // The next run delivers what the killed one left, and stores none of it twice.
        // On a busy machine one run's final delivery (10 s) may not empty the outbox: it says
        // so and exits 3, and the run after it delivers the rest, as an operator would see.
        var runs: [CLIRunner.Outcome] = []
        repeat {
            runs.append(try cli.run(arguments + ["--once"]))
        } while runs.last?.status == 3 && runs.count < 5
        #expect(runs.last?.status == 0, "\(runs.last?.stderr ?? "")")
        let next = CLIRunner.Outcome(status: runs.last?.status ?? -1, stdout: runs.map(\.stdout).joined(),
                                     stderr: runs.map(\.stderr).joined())
        let storedKeys = try Self.stored(cli, uri: uri)
        #expect(Set(storedKeys).count == storedKeys.count, "no probe stored twice")
        #expect(Set(printedByFirst).isSubset(of: Set(storedKeys)), "every probe the killed agent printed is stored")
        let printedKeys = Set(printedByFirst).union(try Self.keys(next.lines))
        #expect(printedKeys.isSubset(of: Set(storedKeys)))
        // A probe is committed to the outbox before it is printed: the kill may fall between
        // the two, for at most the probes that landed together (one per endpoint).
        #expect(Set(storedKeys).subtracting(printedKeys).count <= 40)
    }
}
