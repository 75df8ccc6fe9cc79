import Foundation
import TestSupport
import Testing

/// Credentials a user puts in a config or on the command line stay where they were put: the
/// probe sends them, but no output, log, stored row, export, report or screen shows them.
@Suite("No secret in any output", .serialized)
struct SecretMaskingTests {
    static let secrets = ["s3cret-pass", "tok-SECRET-1", "SECRET-COOKIE", "px-SECRET"]

    /// An endpoint with a password in its URL and credential headers.
    static func config(_ server: LoopbackHTTPServer) -> String {
        let url = server.url("/headers?X-Cache=HIT").replacingOccurrences(of: "http://", with: "http://probe-user:s3cret-pass@")
        return """
            [agent]
            region = "eu-west"

            [[endpoint]]
            name = "fastly"
            site = "loopback"
            url = "\(url)"
            headers = { Authorization = "Bearer tok-SECRET-1", Cookie = "session=SECRET-COOKIE", "Proxy-Authorization" = "Basic px-SECRET" }
            """
    }

    static func expectNoSecret(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in secrets {
            #expect(!text.contains(secret), "\(what) shows \(secret)", sourceLocation: sourceLocation)
        }
    }

    @Test func configCredentialsReachNeitherOutputNorDatabaseNorReports() throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(Self.config(server))
        let probe = try cli.run(["probe", "--once", "--json", "--config", cli.configPath, "--db", cli.databasePath])
        #expect(probe.status == 0, "\(probe.stderr)")
        #expect(probe.stdout.contains("http://probe-user@127.0.0.1:"), "the user stays, so the account is known: \(probe.stdout)")
        Self.expectNoSecret(probe.stdout + probe.stderr, "probe --json")

        var stored = Data()
        for suffix in ["", "-wal"] {
            stored += FileManager.default.contents(atPath: cli.databasePath + suffix) ?? Data()
        }
        #expect(!stored.isEmpty)
        Self.expectNoSecret(String(decoding: stored, as: UTF8.self), "the database file")

        for arguments in [["export"], ["export", "--format", "csv"], ["report"], ["report", "--format", "json"]] {
            let outcome = try cli.run(arguments + ["--db", cli.databasePath])
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stdout.contains("probe-user@127.0.0.1"), "\(arguments) lost the endpoint URL")
            Self.expectNoSecret(outcome.stdout + outcome.stderr, "\(arguments)")
        }
    }

    @Test func aDatabaseURLPasswordIsMaskedInErrors() throws {
        let cli = try CLIRunner()
        let database = cli.directory.path + "/postgres://report-user:db-s3cret@db.example/probes"
        let outcome = try cli.run(["report", "--db", database])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("postgres://report-user@db.example/probes"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("db-s3cret"))
    }

    /// The UI's log and header name the database; a password in its URL is in neither.
    @Test func theUIMasksTheDatabaseInItsLogAndHeader() async throws {
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig(Self.config(server))
        // A path that reads as a URL with a password: the store opens it as a file all the same.
        let database = cli.directory.path + "/https://ui-user:db-s3cret@h/probes.sqlite"
        let tmux = try TmuxSession(command: DashboardTmuxTests.command(cli, database: database), width: 200, height: 50)
        defer { tmux.kill() }
        let screen = await tmux.waitFor(text: "ui-user@h/probes.sqlite")
        #expect(!screen.contains("db-s3cret"), "the header shows the password")
        try tmux.send("Enter")
        let detail = await tmux.waitFor(text: "probe-user@127.0.0.1")
        Self.expectNoSecret(detail, "the detail view")
        try tmux.send("Escape", "q")
        await tmux.waitFor(text: "exited 0")
        let log = try String(contentsOfFile: cli.directory.path + "/.local/state/cdntop/cdntop.log", encoding: .utf8)
        #expect(log.contains("https://ui-user@h/probes.sqlite"), "\(log)")
        #expect(!log.contains("db-s3cret"))
        Self.expectNoSecret(log, "the log")
    }
}
