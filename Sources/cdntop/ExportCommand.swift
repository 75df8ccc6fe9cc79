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

    @Option(help: ArgumentHelp("Only probes newer than this: a duration back from now (24h, 7d) or an RFC 3339 time.", valueName: "WHEN"))
    var since: String?

    func validate() throws {
        if let since, SinceParser.date(since, now: Date()) == nil {
            throw ValidationError("--since \"\(since)\": write a duration such as 1h, 24h, 7d, or a time such as 2026-11-22T10:00:00Z")
        }
    }

    func run() throws {
        let start = since.flatMap { SinceParser.date($0, now: Date()) }
        let store = try locations.openExistingStore()
        let output = StandardOutput()
        let writer = ProbeWriter(format: format)
        if let header = writer.header { output.writeLine(header) }
        do {
            try store.forEachProbe(since: start, until: nil) { output.writeLine(writer.line(for: $0)) }
        } catch {
            output.flush()
            throw Failure.exit("\(error)", status: Failure.database)
        }
        output.flush()
    }
}

extension ExportFormat: ExpressibleByArgument {}

/// `--since` accepts "how long ago" or "from when".
enum SinceParser {
    static func date(_ text: String, now: Date) -> Date? {
        if let seconds = HumanDuration.seconds(text) { return now.addingTimeInterval(-seconds) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
