import Agent
import ArgumentParser
import CDNTopCore
import Config
import Foundation
import Store
import TerminalApp

/// `cdntop` with no subcommand: the terminal UI.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "The terminal UI (the default): sparklines, hit ratios, region tables, origin comparison, events.",
        discussion: """
            Reads the probe database (rows written by any agent) and probes the configured \
            endpoints itself at their intervals, unless --no-probe. Without a config file the \
            view is read-only. Press ? for the keys. Logs go to ~/.local/state/cdntop/cdntop.log.
            """)

    @OptionGroup var locations: Locations

    @Option(name: .customLong("reports-dir"), help: ArgumentHelp("Where r writes snapshot reports.", valueName: "DIR"))
    var reportsDirectory = "reports"

    @Option(help: ArgumentHelp("Theme name: default, light, mono, presentation, or a file's name in ~/.config/cdntop/themes.", valueName: "NAME"))
    var theme: String?

    @Option(help: "The window shown first: 5m, 1h, 24h, 7d or 30d.")
    var window: ReportWindow = .hour

    @Option(help: ArgumentHelp("How often the database is polled: a duration from 100ms to 1h, e.g. 1s, 500ms.", valueName: "DURATION"))
    var refresh = DurationArgument(seconds: 1)

    @Flag(name: .customLong("no-probe"), help: "Read-only view: do not probe, only read the database.")
    var noProbe = false

    @Flag(help: "Braille sparklines (two slices per character) instead of blocks.")
    var braille = false

    @Flag(help: "Ring the terminal bell when a configured threshold starts being breached (also [ui] bell = true).")
    var bell = false

    @Option(help: ArgumentHelp("Label of this vantage point (overrides [agent] region).", valueName: "NAME"))
    var region: String?

    func validate() throws {
        try refresh.require(0.1...3600, flag: "--refresh")
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let config = try loadConfig()
        let probing = noProbe ? nil : config
        // Read-only means read-only: a mistyped --db is an error, not a new empty database;
        // said before anything else, with or without a terminal.
        let readOnlyStore = probing == nil ? try locations.openReadOnlyStore(configured: config?.database.path) : nil
        do {
            try DashboardError.requireTerminal()
        } catch {
            throw ExitStatus.badArguments.fail("\(error)")
        }
        let store = try readOnlyStore ?? locations.openStore(config: probing)
        let agent = try probing.map { config in
            let vantage = config.vantage(overriddenBy: region)
            let agent = ProbeAgent(endpoints: config.endpoints, vantage: vantage, store: store,
                                   outbox: try locations.openOutbox(flag: nil, config: config))
            agent.agentID = try locations.agentID(flag: nil, config: config, region: vantage.label)
            return agent
        }
        let options = DashboardOptions(
            databasePath: store.location, reportsDirectory: reportsDirectory, window: window,
            refresh: refresh.seconds, themeName: theme, braille: braille,
            environment: environment, executablePath: Self.executablePath,
            thresholds: config?.thresholds ?? [:], bell: bell || config?.bell == true)
        try Self.runUI(options: options, store: store, agent: agent)
    }

    /// Runs the UI to its end; a signal that ended it becomes the exit status (128 + signal).
    static func runUI(options: DashboardOptions, store: any ProbeStore, agent: ProbeAgent?) throws {
        let status: Int32
        do {
            status = try DashboardApp(options: options, store: store, agent: agent).run()
        } catch {
            throw ExitStatus.badArguments.fail("\(error)")
        }
        if status != 0 { throw ExitStatus.endedBySignal(status: status).exitCode }
    }

    /// The running binary, so themes installed beside it are found however it was started
    /// (argv[0] is a bare "cdntop" when run from PATH).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? "cdntop"
    }

    /// The config, or nil for a read-only view when none exists at the default path. A config
    /// named with --config must exist, and a broken one is an error either way.
    private func loadConfig() throws -> CDNTopConfig? {
        if locations.config == nil, !FileManager.default.fileExists(atPath: locations.configPath) { return nil }
        return try locations.loadConfig()
    }
}
