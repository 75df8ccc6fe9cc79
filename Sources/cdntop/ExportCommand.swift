import ArgumentParser
import CDNTopCore
import Export
import Foundation
import Store

/// `cdntop export`: the stored probes as JSON lines or CSV, oldest first.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print stored probes as JSON lines or CSV (the same fields as probe --json).")

    @OptionGroup var locations: Locations

    @Option(help: "Output format: jsonl or csv.")
    var format: ExportFormat = .jsonl

    @Option(help: ArgumentHelp("Only probes newer than this: a duration back from now (1h, 24h, 7d) "
                               + "or an RFC 3339 time (2026-11-22T10:00:00Z).", valueName: "WHEN"))
    var since: SinceArgument?

    func run() throws {
        let start = since?.date(now: Date())
        // The config's database only when a config is asked for, as for `report`.
        let config = try locations.config.map { _ in try locations.loadConfig() }
        let store = try locations.openReadOnlyStore(configured: config?.database.path)
        let output = StandardOutput()
        let writer = ProbeWriter(format: format)
        if let header = writer.header { output.writeLine(header) }
        do {
            try store.forEachProbe(since: start, until: nil) { output.writeLine(writer.line(for: $0)) }
        } catch {
            output.flush()
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
        output.flush()
    }
}

extension ExportFormat: ExpressibleByArgument {}
