import Agent
import ArgumentParser
import CDNTopCore
import Foundation
import Lab
import Store
import TerminalApp
import UI

/// Where the scenario comes from: `--scenario FILE`, else the shipped `scenarios/changelog.toml`.
struct ScenarioOption: ParsableArguments {
    @Option(help: ArgumentHelp("Scenario file (default: the shipped scenarios/changelog.toml).", valueName: "FILE"))
    var scenario: String?

    func load() throws -> Scenario {
        let path = scenario ?? DefaultLocations.installedDirectories(
            named: "scenarios", executable: DashboardCommand.executablePath,
            currentDirectory: FileManager.default.currentDirectoryPath)
            .map { $0 + "/changelog.toml" }.first(where: FileManager.default.fileExists(atPath:))
        guard let path else {
            throw ExitStatus.configUnusable.fail("no scenario: the shipped scenarios/changelog.toml was not found; pass --scenario FILE")
        }
        do {
            return try ScenarioFile.load(path: path)
        } catch {
            throw ExitStatus.configUnusable.fail(error.description)
        }
    }
}

/// `cdntop lab`: the simulated edges alone, for probing by hand.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Serve a scenario's simulated CDN edges on loopback until SIGINT/SIGTERM.",
        discussion: """
            Every edge's POP for every vantage region listens on its own 127.0.x.y address and \
            speaks HTTPS with a throwaway self-signed certificate, made with openssl at start \
            and removed on exit (agents probe it with insecure = true). --print-config REGION \
            prints the cdntop config an agent in that region uses (its resolve entries route it \
            to its region's POPs).
            """)

    @OptionGroup var scenario: ScenarioOption

    @Option(help: "Port for every POP (default: a free one; with --print-config, the running lab's).")
    var port = 0

    @Option(name: .customLong("print-config"), help: ArgumentHelp("Print the config for an agent in REGION of the lab running on --port, and exit.", valueName: "REGION"))
    var printConfig: String?

    func validate() throws {
        if printConfig != nil, port <= 0 {
            throw ValidationError("--print-config needs --port: the port the running lab printed when it started")
        }
    }

    func run() throws {
        let scenario = try scenario.load()
        if let printConfig {
            // Printed from the layout alone: the lab is already listening on these addresses.
            guard let region = scenario.regions.first(where: { $0.label == printConfig }) else {
                throw ExitStatus.badArguments.fail("--print-config \(printConfig): no such region in the scenario; regions: "
                                                   + scenario.regions.map(\.label).joined(separator: ", "))
            }
            StandardOutput().writeLine(LabLayout(scenario: scenario, port: port).config(for: region))
            return
        }
        let lab: LabServer
        do {
            lab = try LabServer.start(scenario, port: port)
        } catch {
            throw ExitStatus.nothingDone.fail("cannot start the lab\(port > 0 ? " on port \(port)" : ""): \(error)")
        }
        defer { lab.stop() }
        let stop = StopSignal()
        FileHandle.standardError.write(Data("""
            cdntop lab: scenario \(scenario.name), \(scenario.edges.count) edges × \(scenario.regions.count) regions, https on port \(lab.port)
            certificate: \(lab.certificatePath) (throwaway, self-signed; removed on exit)
            regions: \(scenario.regions.map(\.label).joined(separator: ", ")); `cdntop lab --print-config REGION --port \(lab.port)` prints an agent's config
            stop with Ctrl-C

            """.utf8))
        while !stop.sleep(seconds: 3600) {}
    }
}

/// `cdntop demo`: the lab, one agent per region, and the UI, on a fresh database.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay a CDN comparison offline: the lab, an agent per region, and the UI.",
        discussion: """
            Starts the scenario's simulated edges on loopback (HTTPS, with a throwaway \
            certificate), one probing agent per vantage region (all writing one database: a \
            temp file unless --db), and the UI. With --db postgres://… each region's agent is \
            its own `cdntop probe` process writing the server, as agents on their own machines \
            would. With --no-ui it runs headless for --duration, then prints where the database is.
            """)

    @OptionGroup var scenario: ScenarioOption

    @Option(help: ArgumentHelp("Probe database: a file or a postgres:// URI (default: a new temp file).", valueName: "PATH|URI"))
    var db: String?

    @Flag(name: .customLong("no-ui"), help: "Run headless for --duration (for CI and for making a database).")
    var noUI = false

    @Option(help: ArgumentHelp("How long --no-ui runs: a duration up to 24h, e.g. 20s, 5m.", valueName: "DURATION"))
    var duration = DurationArgument(seconds: 20)

    @Option(name: .customLong("reports-dir"), help: ArgumentHelp("Where r writes snapshot reports.", valueName: "DIR"))
    var reportsDirectory = "reports"

    @Option(help: ArgumentHelp("Theme name.", valueName: "NAME"))
    var theme: String?

    func validate() throws {
        try duration.require(0.001...86_400, flag: "--duration")
    }

    func run() throws {
        if !noUI {
            do { try DashboardError.requireTerminal() } catch { throw ExitStatus.badArguments.fail("\(error); try --no-ui") }
        }
        let scenario = try scenario.load()
        let address = StoreAddress(db ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("cdntop-demo-\(UUID().uuidString.prefix(8)).sqlite").path)
        let store: any ProbeStore
        do {
            store = try StoreOpening.open(address, settings: .default)
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
        let lab: LabServer
        do {
            lab = try LabServer.start(scenario)
        } catch {
            throw ExitStatus.nothingDone.fail("cannot start the lab: \(error)")
        }
        defer { lab.stop() }
        signal(SIGPIPE, SIG_IGN)
        if noUI {
            try runHeadless(lab: lab, store: store, address: address)
        } else {
            try runWithUI(lab: lab, store: store, address: address)
        }
    }

    private func runHeadless(lab: LabServer, store: any ProbeStore, address: StoreAddress) throws {
        let stop = StopSignal()
        let started = Date()
        let fleet = try DemoFleet.start(lab: lab, store: store, address: address, regions: lab.scenario.regions)
        _ = stop.sleep(seconds: duration.seconds)
        let done = fleet.stop(waitSeconds: 15)
        let seconds = Date().timeIntervalSince(started)
        Self.tellWhereProbesAre(address.display, summary: "\(done) from \(lab.scenario.regions.count) regions "
                                + "in \(Int(seconds.rounded())) s into")
    }

    /// The demo's database outlives the demo (a temp file unless --db): say where it is and
    /// how to report on it, so the probes are not lost in /tmp.
    private static func tellWhereProbesAre(_ path: String, summary: String) {
        FileHandle.standardError.write(Data("""
            cdntop demo: \(summary) \(CredentialMask.masked(path))
            next: cdntop report --db \(CredentialMask.masked(path))

            """.utf8))
    }

    private func runWithUI(lab: LabServer, store: any ProbeStore, address: StoreAddress) throws {
        let scenario = lab.scenario
        // The UI probes from the first region itself (so p works); the others are background agents.
        let own = scenario.regions[0]
        let fleet = try DemoFleet.start(lab: lab, store: store, address: address, regions: Array(scenario.regions.dropFirst()))
        defer { fleet.stop(waitSeconds: 2) }
        let options = DashboardOptions(
            databasePath: store.location, reportsDirectory: reportsDirectory, window: .fiveMinutes, refresh: 1,
            themeName: theme, braille: false, environment: ProcessInfo.processInfo.environment,
            executablePath: DashboardCommand.executablePath)
        let agent = ProbeAgent(endpoints: lab.layout.endpoints(for: own), vantage: own, store: store)
        if case .postgres = address { agent.agentID = DemoFleet.agentID(own) }
        // Said after the screen is restored, whether the UI ended on q or on a signal.
        defer { Self.tellWhereProbesAre(address.display, summary: "the probes are in") }
        try DashboardCommand.runUI(options: options, store: store, agent: agent)
    }
}

/// The demo's background agents: threads in this process writing a database file, or — for a
/// PostgreSQL database — one `cdntop probe` process per region, the topology of agents on
/// their own machines.
private enum DemoFleet {
    case threads(RegionalAgents)
    case processes(RegionalAgentProcesses, directory: URL)

    static func agentID(_ region: Vantage) -> String {
        RegionalAgentProcesses.agentID(for: region)
    }

    static func start(lab: LabServer, store: any ProbeStore, address: StoreAddress, regions: [Vantage]) throws -> DemoFleet {
        guard case .postgres(let uri) = address else {
            let agents = RegionalAgents(lab: lab, store: store, regions: regions)
            agents.start()
            return .threads(agents)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdntop-demo-agents-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let agents = RegionalAgentProcesses(executable: DashboardCommand.executablePath, databaseURI: uri, directory: directory)
            try agents.start(lab: lab, regions: regions)
            return .processes(agents, directory: directory)
        } catch {
            throw ExitStatus.nothingDone.fail("cannot start the demo's agents in \(directory.path): \(FileProblem.describe(error))")
        }
    }

    /// Stops the agents, waiting for their rounds in flight; says what they did.
    @discardableResult
    func stop(waitSeconds: Double) -> String {
        switch self {
        case .threads(let agents):
            agents.stop(waitSeconds: waitSeconds)
            return "\(agents.roundsCompleted) rounds"
        case .processes(let agents, let directory):
            let statuses = agents.stop(waitSeconds: waitSeconds)
            let failed = statuses.filter { $0.value != 0 }.keys.sorted()
            return "\(statuses.count) agent processes (logs in \(directory.path)"
                + (failed.isEmpty ? ")" : "; not stopped cleanly: \(failed.joined(separator: ", ")))")
        }
    }
}
