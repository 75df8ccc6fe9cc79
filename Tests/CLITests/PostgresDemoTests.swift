import Foundation
import TestSupport
import Testing

/// The demo on a PostgreSQL server: each region's agent is its own `cdntop probe` process with
/// its own agent id, all writing one database that `report` and `export` then read; the
/// password reaches no output and no child's command line.
@Suite("cdntop demo on PostgreSQL")
struct PostgresDemoTests {
    @Test func everyRegionIsAnAgentProcessWritingOneServer() throws {
        let postgres = try PostgresServer.shared()
        let uri = postgres.uri(database: try postgres.createDatabase())
        let cli = try CLIRunner()
        let (process, out, err) = try cli.start(["demo", "--no-ui", "--duration", "6s", "--db", uri])
        // While it runs, the agents are processes of their own, and no command line shows the password.
        var agentCommandLines: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while agentCommandLines.count < 7, Date() < deadline {
            agentCommandLines = Self.commandLines(childrenOf: process.processIdentifier, containing: "--stop-on-stdin-eof")
            usleep(100_000)
        }
        let demo = CLIRunner.finish(process, out, err)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(agentCommandLines.count == 7, "one process per region: \(agentCommandLines)")
        #expect(agentCommandLines.allSatisfy { !$0.contains(postgres.password) })
        #expect(!demo.stderr.contains(postgres.password), "\(demo.stderr)")
        #expect(demo.stderr.contains("postgres://\(postgres.user)@127.0.0.1:\(postgres.port)/"), "\(demo.stderr)")
        #expect(Self.commandLines(childrenOf: process.processIdentifier, containing: "--stop-on-stdin-eof").isEmpty
                && !Self.agentsAlive(directoryOf: agentCommandLines), "no agent outlives the demo")

        let report = try cli.run(["report", "--db", uri, "--format", "json", "--window", "1h"])
        #expect(report.status == 0, "\(report.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        #expect((json["regions"] as? [Any])?.count == 7)
        let agents = try #require(json["agents"] as? [[String: Any]])
        #expect(Set(agents.compactMap { $0["agent"] as? String }).count == 7)
        #expect(agents.allSatisfy { ($0["agent"] as? String)?.hasPrefix("demo-") == true })
        let export = try cli.run(["export", "--db", uri])
        let stored = try export.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(Set(stored.compactMap { $0["agent"] as? String }).count == 7, "every probe carries its agent")
    }

    /// The command lines containing `text` of the processes whose parent is `parent` (other
    /// test runs on the machine have demos of their own).
    static func commandLines(childrenOf parent: pid_t, containing text: String) -> [String] {
        allCommandLines().filter { $0.parent == parent && $0.line.contains(text) }.map(\.line)
    }

    /// Whether any process still runs with one of the demo agents' config files (each agent's
    /// config sits in the demo's own temp folder): an orphan would have a new parent.
    static func agentsAlive(directoryOf agentLines: [String]) -> Bool {
        let configs = agentLines.compactMap { line in line.split(separator: " ").first { $0.hasSuffix(".toml") } }
        return allCommandLines().contains { process in configs.contains { process.line.contains($0) } }
    }

    static func allCommandLines() -> [(parent: pid_t, line: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // "pid (comm) state ppid …": the parent is the second field after the command name.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = pid_t(fields[1]) else { return nil }
            return (parent, String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self))
        }
    }
}

/// What a newcomer does first: two agents in two regions write one PostgreSQL database, and a
/// UI on a third terminal shows both regions, naming the database without its password.
@Suite("Two agents and a UI on one PostgreSQL database")
struct PostgresTwoAgentsTests {
    @Test func bothRegionsFillTheUIOnAThirdTerminal() async throws {
        let postgres = try PostgresServer.shared()
        let database = try postgres.createDatabase()
        let uri = postgres.uri(database: database)
        let server = try LoopbackHTTPServer.start()
        defer { server.stop() }
        let cli = try CLIRunner()
        try cli.writeConfig("""
            [[endpoint]]
            name = "edge"
            site = "loop.example"
            url = "\(server.url("/headers?X-Served-By=cache-fra1-FRA&X-Cache=HIT&Via=1.1%20varnish"))"
            interval = "1s"
            """)
        var agents: [Process] = []
        defer { for agent in agents { agent.terminate(); agent.waitUntilExit() } }
        for region in ["eu-west", "ap-south"] {
            let (process, _, _) = try cli.start(["probe", "--config", cli.configPath, "--db", uri, "--region", region,
                                                 "--outbox", cli.directory.appendingPathComponent("outbox-\(region).sqlite").path])
            agents.append(process)
        }
        // The UI opens read-only: it waits for nothing, so the agents' first rounds come first.
        let deadline = Date().addingTimeInterval(20)
        var regions: Set<String> = []
        while regions.count < 2, Date() < deadline {
            regions = Set(try cli.run(["export", "--db", uri]).lines.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["region"] as? String
            })
            usleep(100_000)
        }
        #expect(regions == ["eu-west", "ap-south"])
        // An agent only writes: one connection each.
        let connections = try postgres.query("""
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """, database: database)
        #expect(connections == "2", "connections held by two agents")
        let tmux = try TmuxSession(command: DashboardTmuxTests.command(cli, extra: "--no-probe", database: uri), width: 200, height: 50)
        defer { tmux.kill() }
        let screen = await tmux.waitFor(text: "ap-south")
        #expect(screen.contains("eu-west"), "\(screen)")
        #expect(screen.contains("postgres://\(postgres.user)@127.0.0.1:\(postgres.port)/"), "the header names the database")
        #expect(!screen.contains(postgres.password), "the header shows no password")
        try tmux.send("q")
        await tmux.waitFor(text: "exited 0")
    }
}
