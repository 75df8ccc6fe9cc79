import Agent
import ArgumentParser
import CDNTopCore
import Config
import Export
import Foundation
import Metrics
import Outbox
import Store

/// `cdntop probe`: the headless agent that fills the probe database.
///
/// The delivery promise: a probe this command measured (and printed) is stored in the probe
/// database, or the command says on stderr how many were not, where they wait, and exits 3.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe every configured endpoint at its interval and store the results.",
        discussion: """
            Runs until SIGINT, SIGTERM or SIGHUP, finishing the round in flight. With --once, \
            runs one round and exits 0 even when endpoints fail: failures are stored as data. \
            Every round is committed to the outbox before it is stored; probes the database \
            could not take wait there for the next round or run, and the command exits 3 \
            naming how many wait and where.
            """)

    @OptionGroup var locations: Locations

    @Flag(help: "Run one round (and deliver what earlier runs left in the outbox), then exit.")
    var once = false

    @Flag(help: "Print one JSON line per probe on stdout (the fields of `cdntop export`).")
    var json = false

    @Option(help: ArgumentHelp("Label of this vantage point, e.g. eu-west (overrides [agent] region).", valueName: "NAME"))
    var region: String?

    @Option(name: .customLong("agent-id"),
            help: ArgumentHelp("This agent's stable id, stored with every probe (overrides [agent] id; "
                               + "default: one made on the first run, kept per region in ~/.local/state/cdntop/agent-id-REGION).",
                               valueName: "ID"))
    var agentID: String?

    @Option(help: ArgumentHelp("Where probes wait until the database holds them (default [outbox] path, "
                               + "else ~/.local/state/cdntop/outbox.sqlite).", valueName: "PATH"))
    var outbox: String?

    /// For agents another cdntop starts (the demo's regions): stop, as on SIGTERM, when stdin
    /// reaches its end, which happens when the parent exits however it exits.
    @Flag(name: .customLong("stop-on-stdin-eof"), help: .hidden)
    var stopOnStdinEOF = false

    /// How long a stopping agent keeps delivering what waits before it gives the count.
    static let finalDeliverySeconds = 10

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
        let outbox = try locations.openOutbox(flag: self.outbox, config: config)
        let delivery = try locations.delivery(config: config, outbox: outbox)

        // A reader that goes away (`| head`, a jq that exits) must not kill the agent mid-round:
        // output then fails quietly while probing and storing go on.
        signal(SIGPIPE, SIG_IGN)
        // Installed for --once too, so cron's or timeout's SIGTERM still lets the round be stored.
        let stop = StopSignal()
        if stopOnStdinEOF {
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while read(STDIN_FILENO, &byte, 1) > 0 {}
                stop.request()
            }
        }
        let agent = ProbeAgent(endpoints: config.endpoints, vantage: vantage, delivery: delivery)
        agent.agentID = try locations.agentID(flag: agentID, config: config, region: vantage.label)
        let output = StandardOutput(lineBuffered: true)
        let writer = ProbeWriter(format: .jsonl)
        if json {
            agent.onResult = { output.writeLine(writer.line(for: $0)) }
        }
        let exporter = try metrics.map { address in
            do {
                return try ProbeMetricsExporter(address: address, config: config,
                                                database: locations.storeAddress(configured: config.database.path))
            } catch {
                throw ExitStatus.nothingDone.fail("--metrics \(address.hostForURL):\(address.port): cannot listen: \(error)")
            }
        }
        if let exporter, let metrics {
            FileHandle.standardError.write(Data("metrics: http://\(metrics.hostForURL):\(exporter.port)/metrics\n".utf8))
        }
        defer { exporter?.stop() }
        agent.onRound = { report in
            FileHandle.standardError.write(Data((RoundSummary.line(for: report, outbox: outbox.location) + "\n").utf8))
            exporter?.observe(report)
        }
        if once {
            agent.runRound()
        } else {
            agent.run(until: stop)
        }
        output.flush()
        let final = agent.delivery.accept([], deadline: .now + .seconds(Self.finalDeliverySeconds))
        if final.waiting > 0 {
            throw ExitStatus.databaseUnusable.fail(RoundSummary.notStored(final, database: delivery.storePath, outbox: outbox.location))
        }
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

/// The one line per round the agent writes to stderr, for a person watching it run, and the
/// last word when it stops with probes not stored.
enum RoundSummary {
    static func line(for report: ProbeAgent.RoundReport, outbox: String) -> String {
        let failed = report.results.filter { !$0.ok }
        var text = "round: \(report.results.count) probes, \(report.results.count - failed.count) ok"
        if !failed.isEmpty {
            let reasons = failed.map { "\($0.endpoint) \($0.error?.rawValue ?? "error")" }
            text += ", \(failed.count) failed (\(reasons.joined(separator: ", ")))"
        }
        text += String(format: " in %.0f ms", report.wallSeconds * 1000)
        let delivery = report.delivery
        if delivery.waiting > 0 {
            text += "; not stored yet: \(waiting(delivery, outbox: outbox)), will retry next round"
            if let reason = delivery.storeError ?? delivery.outboxError { text += ": \(reason)" }
        }
        if delivery.dropped > 0 {
            text += "; dropped \(delivery.dropped) oldest unstored probes ([outbox] max_probes, max_age)"
        }
        return text
    }

    /// "3 probes not stored in DB: they wait in the outbox PATH; the next `cdntop probe`
    /// delivers them", with the reason, and the probes lost when the outbox failed too.
    static func notStored(_ outcome: Delivery.Outcome, database: String, outbox: String) -> String {
        var text = "\(outcome.waiting) \(outcome.waiting == 1 ? "probe" : "probes") not stored in the probe database \(database)"
        let queued = outcome.waiting - outcome.onlyInMemory
        if queued > 0 {
            text += ": \(queued) wait in the outbox \(outbox); the next `cdntop probe` delivers them"
        }
        if outcome.onlyInMemory > 0 {
            text += "; \(outcome.onlyInMemory) are lost: the outbox could not take them (\(outcome.outboxError ?? "unknown error"))"
        }
        if let reason = outcome.storeError { text += ". The database: \(reason)" }
        return text
    }

    private static func waiting(_ outcome: Delivery.Outcome, outbox: String) -> String {
        let queued = outcome.waiting - outcome.onlyInMemory
        var parts: [String] = []
        if queued > 0 { parts.append("\(queued) probes wait in the outbox \(outbox)") }
        if outcome.onlyInMemory > 0 { parts.append("\(outcome.onlyInMemory) only in memory") }
        return parts.joined(separator: ", ")
    }
}
