import Foundation
import TestSupport
import Testing

/// The delivery promise, against the real binary: a probe cdntop printed is stored, or cdntop
/// says on stderr how many were not and where they wait, and exits 3.
@Suite("cdntop probe keeps its delivery promise", .serialized)
struct DeliveryPromiseTests {
    static func config(_ url: String, interval: String = "1h") -> String {
        "[agent]\nregion = \"eu-west\"\n\n[[endpoint]]\nname = \"a\"\nsite = \"loopback\"\nurl = \"\(url)\"\ninterval = \"\(interval)\"\n"
    }

    /// Reads `pipe` until `text` appeared or the deadline passed; everything read so far.
    static func read(_ pipe: Pipe, until text: String, seconds: Double = 20, into seen: inout String) {
        let deadline = Date().addingTimeInterval(seconds)
        while !seen.contains(text), Date() < deadline, let data = PipeReader.readSome(pipe.fileHandleForReading) {
            seen += String(decoding: data, as: UTF8.self)
        }
    }

    @Test func onceUnderAWriteLockExitsThreeNamingTheCountAndTheOutbox() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(Self.config(server.url("/")))
        let outbox = cli.directory.appendingPathComponent("state/outbox.sqlite").path
        let arguments = ["probe", "--once", "--json", "--config", cli.configPath, "--db", cli.databasePath, "--outbox", outbox]
        #expect(try cli.run(arguments).status == 0)

        let lock = try SQLiteWriteLock(path: cli.databasePath)
        let locked = try cli.run(arguments)
        lock.release()
        #expect(locked.status == 3, "\(locked.stderr)")
        #expect(locked.lines.count == 1, "the probe was measured and printed")
        #expect(locked.stderr.contains("1 probe not stored in the probe database \(cli.databasePath): 1 wait in the outbox \(outbox)"),
                "\(locked.stderr)")
        #expect(locked.stderr.contains("stayed locked"), "\(locked.stderr)")
        #expect(!locked.stderr.contains("NOT STORED YET"))

        let next = try cli.run(arguments)
        #expect(next.status == 0, "\(next.stderr)")
        let export = try cli.run(["export", "--db", cli.databasePath])
        #expect(export.lines.count == 3, "the run under the lock was delivered by the next: \(export.stdout)")
        #expect(Set(export.lines).count == 3, "and stored once")
    }

    /// A full disk under the probe database while the agent runs, then a stop: the agent says
    /// how many probes were not stored, why in words ("disk full") and where they wait — or
    /// that they are lost when the outbox sits on the same full disk — and exits 3.
    @Test(arguments: [false, true])
    func aStopOnAFullDiskIsNeverASilentZero(outboxOnTheFullDisk: Bool) throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let disk = try TmpfsMount(path: cli.directory.appendingPathComponent("disk").path, size: "2m")
        defer { disk.unmount() }
        try cli.writeConfig(Self.config(server.url("/"), interval: "200ms"))
        let database = disk.path + "/probes.sqlite"
        let outbox = (outboxOnTheFullDisk ? disk.path : cli.directory.path) + "/outbox.sqlite"
        let (process, out, err) = try cli.start(["probe", "--json", "--config", cli.configPath, "--db", database, "--outbox", outbox])
        var stderr = ""
        Self.read(err, until: "round:", into: &stderr)
        disk.fill()
        Self.read(err, until: "not stored yet", into: &stderr)
        kill(process.processIdentifier, SIGTERM)
        let rest = CLIRunner.finish(process, out, err)
        stderr += rest.stderr

        #expect(rest.status == 3, "\(stderr)")
        #expect(stderr.contains("disk full") || stderr.contains("Disk full"), "\(stderr)")
        #expect(!stderr.contains("disk I/O error"), "\(stderr)")
        #expect(stderr.contains("not stored in the probe database \(database)"), "\(stderr)")
        if outboxOnTheFullDisk {
            #expect(stderr.contains("are lost: the outbox could not take them (disk full)"), "\(stderr)")
        } else {
            #expect(stderr.contains("wait in the outbox \(outbox)"), "\(stderr)")
        }
    }

    /// SIGHUP (a closed ssh session), SIGTERM and SIGINT all finish the round in flight,
    /// store it and exit 0.
    @Test(arguments: [SIGHUP, SIGTERM, SIGINT])
    func aStopSignalFinishesTheRoundInFlight(signal: Int32) throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(Self.config(server.url("/delay/1500")))
        let (process, out, err) = try cli.start(["probe", "--json", "--config", cli.configPath, "--db", cli.databasePath])
        let deadline = Date().addingTimeInterval(10)
        while server.requestsReceived == 0, Date() < deadline { usleep(10_000) }
        #expect(server.requestsReceived == 1, "the round is in flight")
        kill(process.processIdentifier, signal)
        let outcome = CLIRunner.finish(process, out, err)

        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.lines.count == 1)
        let export = try cli.run(["export", "--db", cli.databasePath])
        let stored = try #require(JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        #expect(stored["ok"] as? Bool == true)
        #expect((stored["ttfb_ms"] as? Double ?? 0) >= 1500)
    }
}

@Suite("Readers never write", .serialized)
struct ReadOnlyReaderTests {
    @Test func readersNeverCreateADatabaseNorConvertAFile() throws {
        let cli = try CLIRunner()
        let typo = cli.directory.appendingPathComponent("typo/path.sqlite").path
        for arguments in [["export"], ["report"], ["--no-probe"], []] {
            let outcome = try cli.run(arguments + ["--db", typo])
            #expect(outcome.status == (arguments == ["report"] ? 1 : 3), "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(typo), "\(arguments): \(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("typo").path),
                    "\(arguments) created the directory")
        }
        let empty = cli.directory.appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        for arguments in [["export"], ["report"], ["--no-probe"]] {
            let outcome = try cli.run(arguments + ["--db", empty])
            #expect(outcome.status != 0, "\(arguments)")
            #expect(outcome.stderr.contains("empty file"), "\(arguments): \(outcome.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0, "\(arguments) wrote into it")
        }
        #expect(!FileManager.default.fileExists(atPath: empty + "-wal"))
    }

    /// As root, file modes do not stop a write: a read-only mount does.
    @Test func reportAndExportReadADatabaseOnAReadOnlyMount() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        let disk = try TmpfsMount(path: cli.directory.appendingPathComponent("disk").path, size: "8m")
        defer { disk.unmount() }
        try cli.writeConfig(DeliveryPromiseTests.config(server.url("/")))
        let database = disk.path + "/probes.sqlite"
        #expect(try cli.run(["probe", "--once", "--config", cli.configPath, "--db", database]).status == 0)
        try disk.remountReadOnly()

        let export = try cli.run(["export", "--db", database])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.lines.count == 1)
        let report = try cli.run(["report", "--db", database, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("\"site\""))
    }
}

@Suite("report -o failures", .serialized)
struct ReportWriteFailureTests {
    @Test func aReportThatCannotBeWrittenExitsFourAndSaysWhy() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(DeliveryPromiseTests.config(server.url("/")))
        #expect(try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath]).status == 0)

        let missing = cli.directory.appendingPathComponent("no-such-dir/report.md").path
        let outcome = try cli.run(["report", "--db", cli.databasePath, "-o", missing])
        #expect(outcome.status == 4, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("nothing to report"))
        #expect(outcome.stderr.contains("no such file or directory"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(missing))

        let disk = try TmpfsMount(path: cli.directory.appendingPathComponent("disk").path, size: "1m")
        defer { disk.unmount() }
        disk.fill()
        let full = try cli.run(["report", "--db", cli.databasePath, "-o", disk.path + "/report.md"])
        #expect(full.status == 4, "\(full.stderr)")
        #expect(full.stderr.contains("disk full"), "\(full.stderr)")
    }
}
