import ArgumentParser
import CDNTopCore
import Foundation
import Report
import Store

/// `cdntop report`: the snapshot report of one site over a window, as markdown or JSON.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a snapshot report: per-endpoint latency, regions, origin comparison, cache, errors.",
        discussion: """
            Exit status 1 means nothing to report (no database, no probes in the window, no such site); \
            4 that the report could not be written to -o FILE. \
            The Alerts section lists threshold breaches when --config names a config that sets thresholds.
            """)

    @OptionGroup var locations: Locations

    @Option(help: "The window ending now: 1h, 24h, 7d or 30d.")
    var window: ReportWindow = .day

    @Option(help: ArgumentHelp("The site to report on (required when the database holds several).", valueName: "SITE"))
    var site: String?

    @Option(help: "md or json.")
    var format: ReportFormat = .md

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to FILE instead of stdout.", valueName: "FILE"))
    var output: String?

    func run() throws {
        // Thresholds and the database from a config only when one is asked for: a report must
        // not change with a file it was not pointed at.
        let config = try locations.config.map { _ in try locations.loadConfig() }
        let store = try locations.openReadOnlyStore(configured: config?.database.path, missing: (
            "nothing to report: no probe database at {path}; run `cdntop probe` first or pass --db", .nothingDone))
        let thresholds = config?.thresholds ?? [:]
        let now = Date()
        let analysis: SiteAnalysis
        do {
            analysis = try ReportBuilder.analyze(store: store, traffic: store, site: site, window: window, thresholds: thresholds, now: now)
        } catch let error as ReportError {
            if case .ambiguousSite = error { throw ValidationError(error.commandLineMessage) }
            throw ExitStatus.nothingDone.fail(error.commandLineMessage)
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
        let text = switch format {
        case .md: MarkdownReport.render(analysis, generatedAt: now)
        case .json: JSONReport.render(analysis, generatedAt: now)
        }
        guard let output else {
            let stdout = StandardOutput()
            stdout.writeLine(String(text.dropLast()))
            stdout.flush()
            return
        }
        do {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw ExitStatus.reportNotWritten.fail("the report was made but cannot be written to \(output): "
                                                   + FileProblem.describe(error) + "; pass -o with another file")
        }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case md
    case json
}

extension ReportWindow: ExpressibleByArgument {}
