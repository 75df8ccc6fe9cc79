import Foundation
import TestSupport
import Testing

/// The real binary in tmux against live loopback endpoints, with a second agent process
/// writing the same database: keys sent, the screen read back, as a person would.
@Suite("cdntop UI in tmux, end to end", .serialized)
struct DashboardTmuxTests {
    /// Answers with a Server header that would retitle the terminal and clear the screen.
    static func hostileServer() throws -> RawResponseServer {
        try RawResponseServer.start(replying: Array((
            "HTTP/1.1 200 OK\r\nServer: \u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[31mevil\r\nX-Cache: HIT\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\nok").utf8))
    }

    /// The loopback endpoints every test probes, and a scratch directory configured for them.
    struct Endpoints {
        let server: LoopbackHTTPServer
        let hostile: RawResponseServer

        init() throws {
            server = try LoopbackHTTPServer.start()
            hostile = try DashboardTmuxTests.hostileServer()
        }

        func cli() throws -> CLIRunner {
            let cli = try CLIRunner()
            try cli.writeConfig(DashboardTmuxTests.config(server, hostile: hostile))
            return cli
        }

        func stop() {
            server.stop()
            hostile.stop()
        }
    }

    static func config(_ server: LoopbackHTTPServer, hostile: RawResponseServer) -> String {
        """
        [agent]
        region = "eu-west"

        [[endpoint]]
        name = "origin"
        site = "loopback"
        url = "\(server.url("/delay/20"))"
        origin = true
        interval = "1s"

        [[endpoint]]
        name = "fastly"
        site = "loopback"
        url = "\(server.url("/headers?X-Served-By=cache-fra1-FRA&X-Cache=MISS,%20HIT&Via=1.1%20varnish"))"
        interval = "1s"

        [[endpoint]]
        name = "hostile"
        site = "loopback"
        url = "\(hostile.url)"
        interval = "1s"
        """
    }

    /// A shell line that runs the UI, then records the terminal settings it left behind.
    static func command(_ cli: CLIRunner, environment: String = "", extra: String = "", database: String? = nil) -> String {
        let settings = cli.directory.appendingPathComponent("stty-after.txt").path
        return "env -i HOME=\(cli.directory.path) PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=tmux-256color \(environment) "
            + "\(CLIRunner.binary) --config \(cli.configPath) --db '\(database ?? cli.databasePath)' "
            + "--reports-dir \(cli.directory.appendingPathComponent("reports").path) \(extra); "
            + "stty -a > \(settings); echo exited $?; sleep 60"
    }

    static func terminalWasRestored(_ cli: CLIRunner) throws -> Bool {
        let settings = try String(contentsOfFile: cli.directory.appendingPathComponent("stty-after.txt").path, encoding: .utf8)
        let flags = settings.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" })
        return flags.contains("icanon") && flags.contains("echo")
    }

    @Test func keysDriveTheScreenAndQuitRestoresTheTerminal() async throws {
        let endpoints = try Endpoints()
        defer { endpoints.stop() }
        let cli = try endpoints.cli()
        // Another process writes the same database from another vantage region.
        let (agent, _, _) = try cli.start(["probe", "--config", cli.configPath, "--db", cli.databasePath, "--region", "us-east"])
        defer { agent.terminate(); agent.waitUntilExit() }

        let tmux = try TmuxSession(command: Self.command(cli), width: 120, height: 40)
        defer { tmux.kill() }
        let first = await tmux.waitFor("both agents' probes") { $0.contains("us-east") && $0.contains("eu-west") && $0.contains("fastly") }
        #expect(first.contains(" cdntop │ loopback │ window 1h"))
        #expect(first.contains("Against the origin"))
        #expect(first.contains("200 HIT"))
        #expect(tmux.display("#{pane_title}") != "pwned", "a header retitled the terminal")
        #expect(!tmux.capture(escapes: true).contains("\u{1B}]0;"))

        try tmux.send("p")
        await tmux.waitFor(text: "probing every endpoint")
        try tmux.send("w")
        await tmux.waitFor(text: "window 24h")
        try tmux.send("Enter")
        await tmux.waitFor(text: "x-served-by: cache-fra1-FRA")
        try tmux.send("j")
        let hostileDetail = await tmux.waitFor(text: "server: evil")
        #expect(!hostileDetail.contains("pwned") && !hostileDetail.contains("[2J"), "escape sequences go whole, parameters included")
        #expect(tmux.display("#{pane_title}") != "pwned")
        try tmux.send("k")
        try tmux.send("Escape")
        await tmux.waitFor("the detail to close") { !$0.contains("Headers that mattered") }
        try tmux.send("?")
        await tmux.waitFor(text: "Esc closes")
        try tmux.send("Escape", "f")
        await tmux.waitFor(text: "FROZEN")
        try tmux.send("f", "t")
        await tmux.waitFor(text: "theme: light")
        try tmux.send("r")
        let written = await tmux.waitFor(text: " written to ")
        let reports = try FileManager.default.contentsOfDirectory(atPath: cli.directory.appendingPathComponent("reports").path)
        #expect(reports.count == 1 && reports[0].hasPrefix("loopback-"), "\(written)")

        try tmux.resize(width: 50, height: 12)
        await tmux.waitFor(text: "terminal too small")
        try tmux.resize(width: 100, height: 30)
        await tmux.waitFor("the layout to come back") { $0.contains(" cdntop │ loopback") && !$0.contains("too small") }

        try tmux.send("q")
        await tmux.waitFor(text: "exited 0")
        #expect(try Self.terminalWasRestored(cli))
    }

    /// A dropped ssh session or a killed tmux sends SIGHUP; an init system SIGTERM: either way
    /// the terminal is put back. NO_COLOR leaves no colour sequence on screen.
    @Test(arguments: ["TERM", "HUP", "INT"])
    func signalsRestoreTheTerminal(signal: String) async throws {
        let endpoints = try Endpoints()
        defer { endpoints.stop() }
        let cli = try endpoints.cli()
        // The read-only view opens an existing database, never a new one.
        #expect(try cli.run(["probe", "--once", "--config", cli.configPath, "--db", cli.databasePath]).status == 0)
        let tmux = try TmuxSession(command: Self.command(cli, environment: "NO_COLOR=1", extra: "--no-probe"), width: 80, height: 24)
        defer { tmux.kill() }
        await tmux.waitFor(text: "READ-ONLY")
        let colours = tmux.capture(escapes: true)
        #expect(!colours.contains("[38;") && !colours.contains("[48;") && !colours.contains(";38;"), "colour despite NO_COLOR")
        let shell = tmux.display("#{pane_pid}")
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let pid = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        kill(pid, signal == "TERM" ? SIGTERM : signal == "HUP" ? SIGHUP : SIGINT)
        await tmux.waitFor(text: "exited")
        #expect(try Self.terminalWasRestored(cli))
    }

    /// Another process holds the database's write lock for longer than the store waits: the
    /// UI's own rounds cannot be stored, yet the screen keeps answering keys and says why, and
    /// the probes held back are stored once the lock is gone.
    @Test func lockedDatabaseNeverFreezesTheScreen() async throws {
        let endpoints = try Endpoints()
        defer { endpoints.stop() }
        let cli = try endpoints.cli()
        let tmux = try TmuxSession(command: Self.command(cli), width: 100, height: 30)
        defer { tmux.kill() }
        await tmux.waitFor(text: "200 HIT")
        let lock = try SQLiteWriteLock(path: cli.databasePath)
        await tmux.waitFor(text: "not stored yet", seconds: 30)
        try tmux.send("?")
        await tmux.waitFor(text: "Esc closes", seconds: 3)
        try tmux.send("Escape")
        lock.release()
        let before = try cli.run(["export", "--db", cli.databasePath]).lines.count
        await tmux.waitFor("the held-back probes to be stored", seconds: 30) { _ in
            ((try? cli.run(["export", "--db", cli.databasePath]).lines.count) ?? 0) > before + 3
        }
        try tmux.send("q")
        await tmux.waitFor(text: "exited 0")
    }

    /// The demo's database is a temp file unless --db: quitting says where it is and how to
    /// report on it, so the probes are not lost somewhere in the temp folder.
    @Test func quittingTheDemoSaysWhereItsDatabaseIs() async throws {
        let cli = try CLIRunner()
        let scenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/changelog.toml").path
        let command = "env -i HOME=\(cli.directory.path) TMPDIR=\(cli.directory.path) PATH=/usr/bin:/bin LANG=C.UTF-8 "
            + "TERM=tmux-256color \(CLIRunner.binary) demo --scenario \(scenario); echo exited $?; sleep 60"
        let tmux = try TmuxSession(command: command, width: 120, height: 40)
        defer { tmux.kill() }
        await tmux.waitFor(text: "cloudflare")
        try tmux.send("q")
        let screen = await tmux.waitFor(text: "exited 0")
        let line = try #require(screen.split(separator: "\n").first { $0.hasPrefix("next: cdntop report --db ") }, "\(screen)")
        let path = String(line.dropFirst("next: cdntop report --db ".count)).trimmingCharacters(in: .whitespaces)
        #expect(path.hasPrefix(cli.directory.path) && path.hasSuffix(".sqlite"), "\(path)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(screen.contains("cdntop demo: the probes are in \(path)"))
    }
}
