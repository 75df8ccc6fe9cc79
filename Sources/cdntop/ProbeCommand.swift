import Agent
import ArgumentParser
import CDNTopCore
import Config
import Export
import Foundation
import Metrics
import Store

/// `cdntop probe`: the headless agent that fills the probe database.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe every configured endpoint at its interval and store the results.",
        discussion: """
            Runs until SIGINT or SIGTERM, finishing the round in flight. With --once, runs one \
            round and exits 0 even when endpoints fail: failures are stored as data.
            """)

    @OptionGroup var locations: Locations

    @Flag(help: "Run one round and exit.")
    var once = false

    @Flag(help: "Print one JSON line per probe on stdout (the fields of `cdntop export`).")
    var json = false

    @Option(help: ArgumentHelp("Label of this vantage point, e.g. eu-west (overrides [agent] region).", valueName: "NAME"))
    var region: String?

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://ADDR/metrics, e.g. 127.0.0.1:9464 or a bare port.",
                               valueName: "ADDR"))
    var metrics: MetricsAddress?

    @Flag(name: .customLong("metrics-allow-remote"),
          help: "Let --metrics bind an address other machines can reach (it is loopback-only otherwise).")
    var metricsAllowRemote = false

    func validate() throws {
        if let metrics, !metrics.isLoopback, !metricsAllowRemote {
            throw ValidationError("--metrics \(metrics.hostForURL):\(metrics.port) is reachable from other machines: "
                                  + "bind 127.0.0.1, or add --metrics-allow-remote if that is meant")
        }
    }

    func run() throws {
        let config = try locations.loadConfig()
        let vantage = config.vantage(overriddenBy: region)
        let store = try locations.openStore(config: config)

        // A reader that goes away (`| head`, a jq that exits) must not kill the agent mid-round:
        // output then fails quietly while probing and storing go on.
        signal(SIGPIPE, SIG_IGN)
        // Installed for --once too, so cron's or timeout's SIGTERM still lets the round be stored.
        let stop = StopSignal()
        let agent = ProbeAgent(endpoints: config.endpoints, vantage: vantage, store: store)
        let output = StandardOutput(lineBuffered: true)
        let writer = ProbeWriter(format: .jsonl)
        if json {
            agent.onResult = { output.writeLine(writer.line(for: $0)) }
        }
        let exporter = try metrics.map { address in
            do {
                return try ProbeMetricsExporter(address: address, config: config, store: store)
            } catch {
                throw ExitStatus.nothingDone.fail("--metrics \(address.hostForURL):\(address.port): cannot listen: \(error)")
            }
        }
        if let exporter, let metrics {
            FileHandle.standardError.write(Data("metrics: http://\(metrics.hostForURL):\(exporter.port)/metrics\n".utf8))
        }
        defer { exporter?.stop() }
        agent.onRound = { report in
            FileHandle.standardError.write(Data((RoundSummary.line(for: report) + "\n").utf8))
            exporter?.observe(report)
        }
        if once {
            agent.runRound()
        } else {
            agent.run(until: stop)
        }
        output.flush()
    }
}

extension CDNTopConfig {
    /// The config's vantage point, or the one a `--region` flag names (continent derived).
    func vantage(overriddenBy region: String?) -> Vantage {
        region.map { Vantage(label: $0, continent: POPRegions.continent(vantageLabel: $0)) } ?? vantage
    }
}

extension StoreSettings {
    /// The store settings with the config file's `[database]` values applied.
    func overriding(with database: CDNTopConfig.DatabaseSettings) -> StoreSettings {
        var settings = self
        if let retention = database.retention { settings.retention = retention }
        if let rollupRetention = database.rollupRetention { settings.rollupRetention = rollupRetention }
        return settings
    }
}

/// The one line per round the agent writes to stderr, for a person watching it run.
enum RoundSummary {
    static func line(for report: ProbeAgent.RoundReport) -> String {
        let failed = report.results.filter { !$0.ok }
        var text = "round: \(report.results.count) probes, \(report.results.count - failed.count) ok"
        if !failed.isEmpty {
            let reasons = failed.map { "\($0.endpoint) \($0.error?.rawValue ?? "error")" }
            text += ", \(failed.count) failed (\(reasons.joined(separator: ", ")))"
        }
        text += String(format: " in %.0f ms", report.wallSeconds * 1000)
        if let storeError = report.storeError {
            text += "; NOT STORED YET, will retry next round: \(storeError)"
        }
        if report.droppedProbes > 0 {
            text += "; dropped \(report.droppedProbes) oldest unstored probes"
        }
        return text
    }
}
