import CDNTopCore
import Foundation
import Store
import TestSupport
import Testing

/// `cdntop logs ingest` on files the tests write: positions, following, bad input.
@Suite struct LogsIngestCommandTests {
    /// An nginx line of the default format (combined + $upstream_cache_status).
    static func line(_ path: String, cache: String = "HIT", second: Int = 0) -> String {
        #"203.0.113.9 - - [08/Oct/2026:04:00:\#(String(format: "%02d", second)) +0000] "GET \#(path) HTTP/1.1" 200 10 "-" "UA" \#(cache)"#
    }

    static func append(_ lines: [String], to path: String) throws {
        let handle = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)!
        }()
        handle.seekToEndOfFile()
        handle.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try handle.close()
    }

    static func requests(_ cli: CLIRunner, site: String = "s") -> Int64 {
        let store = try? SQLiteProbeStore.openReadOnly(path: cli.databasePath)
        let since = Date(timeIntervalSince1970: 1_791_432_000 - 3600)
        return (try? store?.trafficWindow(since: since, until: since.addingTimeInterval(7200), site: site))??
            .reduce(0) { $0 + $1.requests } ?? 0
    }

    static func waitForRequests(_ cli: CLIRunner, _ expected: Int64) throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if requests(cli) == expected { return }
            usleep(20_000)
        }
        Issue.record("the store holds \(requests(cli)) requests, expected \(expected)")
        throw CancellationError()
    }

    @Test func aSecondRunReadsOnlyWhatIsNew() throws {
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append((0..<5).map { Self.line("/p\($0)", second: $0) }, to: log)
        let first = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath, log])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("read 5 lines, stored 1 minute, 0 malformed"))
        // An unfinished last line waits for the next run.
        try Self.append([Self.line("/p5", second: 5)], to: log)
        let handle = FileHandle(forWritingAtPath: log)!
        handle.seekToEndOfFile()
        handle.write(Data(Self.line("/p6", second: 6).prefix(20).utf8))
        try handle.close()
        let second = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath, log])
        #expect(second.stderr.contains("read 1 line"), "\(second.stderr)")
        try Self.append([String(Self.line("/p6", second: 6).dropFirst(20))], to: log)
        let third = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath, log])
        #expect(third.stderr.contains("read 1 line, stored 1 minute, 0 malformed"), "\(third.stderr)")
        #expect(Self.requests(cli) == 7)
    }

    @Test func followSurvivesRotationAndTruncationAndStopsCleanly() throws {
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append([Self.line("/a"), Self.line("/b")], to: log)
        let (process, out, err) = try cli.start(["logs", "ingest", "--follow", "--format", "nginx", "--site", "s",
                                                 "--db", cli.databasePath, log])
        try Self.waitForRequests(cli, 2)
        try Self.append([Self.line("/c")], to: log)
        try Self.waitForRequests(cli, 3)

        // Rotation: the file is moved away, gets one last line, and a new file takes its name.
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        try Self.append([Self.line("/d")], to: log + ".1")
        try Self.append([Self.line("/e"), Self.line("/f"), Self.line("/g")], to: log)
        try Self.waitForRequests(cli, 7)

        // Truncation (copytruncate): the file starts again, shorter than what was read.
        let truncate = FileHandle(forWritingAtPath: log)!
        try truncate.truncate(atOffset: 0)
        try truncate.close()
        try Self.append([Self.line("/h")], to: log)
        try Self.waitForRequests(cli, 8)

        let outcome = try Self.stopAndRestart(cli, process, out, err, log: log, lines: 8)
        #expect(outcome.stderr.contains("rotated"))
        #expect(outcome.stderr.contains("truncated"))
    }

    /// Stops a following ingest with SIGTERM and checks that it stopped cleanly having read
    /// `lines` lines, and that a restart reads none of them again.
    @discardableResult
    static func stopAndRestart(_ cli: CLIRunner, _ process: Process, _ out: Pipe, _ err: Pipe, log: String,
                               lines: Int) throws -> CLIRunner.Outcome {
        kill(process.processIdentifier, SIGTERM)
        let outcome = CLIRunner.finish(process, out, err)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("read \(lines) lines"), "\(outcome.stderr)")
        let again = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath, log])
        #expect(again.stderr.contains("read 0 lines"), "\(again.stderr)")
        #expect(requests(cli) == Int64(lines))
        return outcome
    }

    @Test func linesTheServerStillWritesToTheRotatedFileCountOnce() throws {
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append([Self.line("/a")], to: log)
        let (process, out, err) = try cli.start(["logs", "ingest", "--follow", "--format", "nginx", "--site", "s",
                                                 "--db", cli.databasePath, log])
        try Self.waitForRequests(cli, 1)
        // Rotation: the new file is read (so ingest has switched to it) while the server,
        // not yet reopened, goes on writing to the old one.
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        try Self.append([Self.line("/b")], to: log)
        try Self.waitForRequests(cli, 2)
        try Self.append([Self.line("/c"), Self.line("/d")], to: log + ".1")
        try Self.waitForRequests(cli, 4)
        try Self.append([Self.line("/e")], to: log)
        try Self.waitForRequests(cli, 5)

        try Self.stopAndRestart(cli, process, out, err, log: log, lines: 5)
    }

    @Test func oneFileGivenTwiceIsReadOnce() throws {
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append([Self.line("/a"), Self.line("/b")], to: log)
        let sameFile = cli.directory.appendingPathComponent(".").appendingPathComponent("access.log").path
        let outcome = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath,
                                   log, sameFile, log])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the same file as \(log)"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("read 2 lines"), "\(outcome.stderr)")
        #expect(Self.requests(cli) == 2)
    }

    @Test func aSecondIngestOfAFileBeingReadIsRefused() throws {
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append([Self.line("/a")], to: log)
        let (process, out, err) = try cli.start(["logs", "ingest", "--follow", "--format", "nginx", "--site", "s",
                                                 "--db", cli.databasePath, log])
        try Self.waitForRequests(cli, 1)
        let second = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath, log])
        #expect(second.status != 0)
        #expect(second.stderr.contains("\(log): another cdntop logs ingest is reading this file"), "\(second.stderr)")

        kill(process.processIdentifier, SIGTERM)
        let outcome = CLIRunner.finish(process, out, err)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // Once the first has stopped, the file is free again; nothing was counted twice.
        let third = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath, log])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(Self.requests(cli) == 1)
    }

    @Test func aDatabaseNamedInAnErrorShowsNoPassword() throws {
        let postgres = try PostgresServer.shared()
        let uri = postgres.uri(database: try postgres.createDatabase())
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append([Self.line("/a")], to: log)
        let outcome = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", uri, log])
        #expect(!outcome.stderr.contains(postgres.password), "\(outcome.stderr)")
        #expect(!outcome.stdout.contains(postgres.password))
    }

    @Test func malformedAndHostileLinesAreCountedAndSkipped() throws {
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append([
            Self.line("/ok"), "garbage \u{1B}]0;title\u{07}", Self.line("/x\\x1B[31mred", cache: "MISS"),
            String(repeating: "A", count: 200_000), Self.line("/ok2"), "{\"not\":\"nginx\"}", Self.line("/ok3"),
        ], to: log)
        let outcome = try cli.run(["logs", "ingest", "--format", "nginx", "--site", "s", "--db", cli.databasePath, log])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("3 malformed (first: \(log):2, \(log):4, \(log):6)"), "\(outcome.stderr)")
        let total = try #require(try Self.window(cli).first)
        #expect(total.requests == 4)
        #expect(total.malformedLines == 3)
        // nginx wrote the ESC as \x1B; decoded, the whole escape sequence goes, not just ESC.
        #expect(total.topMisses.counts.keys.sorted() == ["/xred"])
    }

    static func window(_ cli: CLIRunner) throws -> [TrafficMinute] {
        let store = try SQLiteProbeStore.openReadOnly(path: cli.databasePath)
        let since = Date(timeIntervalSince1970: 1_791_432_000 - 3600)
        return try store.trafficWindow(since: since, until: since.addingTimeInterval(7200), site: "s")
    }

    @Test func aWrongFormatSaysWhatItExpectedAndFound() throws {
        let cli = try CLIRunner()
        let log = cli.directory.appendingPathComponent("access.log").path
        try Self.append([Self.line("/a"), Self.line("/b")], to: log)
        let wrong = try cli.run(["logs", "ingest", "--format", "cloudflare", "--db", cli.databasePath, log])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("no line reads as cloudflare JSON lines"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("the first line (line 1) has '203.0.113.9 - - [08/Oct/' at byte 1 where the format expects a JSON object ('{')"),
                "\(wrong.stderr)")
        let wrongLayout = try cli.run(["logs", "ingest", "--format", "nginx", "--log-format", #"$time_iso8601 "$request" $status"#,
                                       "--site", "s", "--db", cli.databasePath, log])
        #expect(wrongLayout.status == 64)
        #expect(wrongLayout.stderr.contains("where the format expects a value of $time_iso8601"), "\(wrongLayout.stderr)")
        #expect(Self.requests(cli) == 0)
        let noSite = try cli.run(["logs", "ingest", "--format", "nginx", "--db", cli.databasePath, log])
        #expect(noSite.status == 64)
        #expect(noSite.stderr.contains("pass --site NAME"))
    }

    @Test func autoSaysWhatItChoseAndReadsStdin() throws {
        let cli = try CLIRunner()
        let input = cli.directory.appendingPathComponent("bunny.log").path
        let lines = [
            "HIT|200|1791432000000|412|390|163.172.53.0|-|https://s/video.mp4|FRA|Mozilla/5.0|322b688b|DE",
            "MISS|200|1791432001000|412|390|163.172.53.0|-|https://s/index.html|FRA|Mozilla/5.0|322b688c|DE",
        ]
        try lines.map { $0 + "\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        process.arguments = ["logs", "ingest", "--db", cli.databasePath, "-"]
        process.environment = ["HOME": cli.directory.path]
        process.standardInput = FileHandle(forReadingAtPath: input)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outcome = CLIRunner.finish(process, out, err)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("stdin: --format auto chose bunny"), "\(outcome.stderr)")
        let total = try #require(try Self.window(cli).first)
        #expect(total.provider == .bunny)
        #expect(total.requests == 2)
        #expect(total.byPOP == ["FRA": 2])
    }
}
