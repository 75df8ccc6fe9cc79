import Agent
import ArgumentParser
import CDNTopCore
import Foundation
import Logs
import Store

/// `cdntop logs`: real traffic from CDN access logs.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Read CDN access logs into per-minute real-traffic figures beside the probes.",
        subcommands: [LogsIngestCommand.self])
}

/// `cdntop logs ingest`: wiring only; reading, counting and following are `Logs.LogIngest`.
struct LogsIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Count access log lines into per-minute traffic aggregates in the probe database.",
        discussion: """
            Stores counts per site, provider and minute (requests, bytes, cache statuses, content \
            types, HTTP versions, status classes, POPs, TTFB, top missing paths), never lines: \
            client IPs, user agents and query strings are not kept. Each file's position is \
            stored with its minutes, so running again (or restarting --follow) reads only what \
            is new. A file given twice is read once; a file another `cdntop logs ingest` is \
            reading (it holds an exclusive flock on the log file) is refused. With --follow, a \
            rotated file is still read until it has been quiet for 5 seconds. \
            Malformed lines are counted and skipped. Summary on stderr. \
            Exit status: 0 when done, 3 when the database is unusable, 64 when the format does \
            not read the log or the arguments cannot work, 1 when a file cannot be read.
            """)

    @OptionGroup var locations: Locations

    @Option(help: ArgumentHelp("Log format (auto sniffs the first line and says what it chose).", valueName: "FORMAT"))
    var format: LogFormatName = .auto

    @Option(name: .customLong("log-format"),
            help: ArgumentHelp("The server's own format: nginx's log_format string (default: combined + "
                               + "$upstream_cache_status) or varnishncsa's -F string (default: its default + "
                               + "%{Varnish:hitmiss}x).", valueName: "FORMAT"))
    var logFormat: String?

    @Option(name: .customLong("map"), parsing: .singleValue,
            help: ArgumentHelp("Read a JSON field from another key (fastly, cloudflare), repeatable: --map cache=fastly_state.",
                               valueName: "FIELD=KEY"))
    var maps: [String] = []

    @Option(help: ArgumentHelp("Site the traffic belongs to (default: each line's host).", valueName: "NAME"))
    var site: String?

    @Option(help: ArgumentHelp("Provider the log comes from (default: the format's: nginx, varnish, cloudflare, bunny, fastly).",
                               valueName: "NAME"))
    var provider: Provider?

    @Flag(help: "Keep reading the files as they grow (surviving rotation and truncation) until SIGINT or SIGTERM.")
    var follow = false

    @Argument(help: ArgumentHelp("Log files; - reads stdin.", valueName: "FILE"))
    var files: [String]

    func validate() throws {
        if let site, site.isEmpty || !Sanitizer.isClean(site) {
            throw ValidationError("--site: the name is empty or holds control characters")
        }
        for map in maps where map.split(separator: "=", maxSplits: 1).count != 2 {
            throw ValidationError("--map \(map): expected FIELD=KEY, e.g. --map cache=fastly_state")
        }
        if follow, files.contains("-") { throw ValidationError("--follow reads files; stdin is read to its end without it") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (stdin) can be given once") }
    }

    func run() throws {
        let choice = LogFormatChoice(name: format, logFormat: logFormat, maps: maps.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (field: parts[0], key: parts[1])
        })
        let config = FileManager.default.fileExists(atPath: locations.configPath) ? try locations.loadConfig() : nil
        let store = try locations.openStore(config: config)
        let stop = StopSignal(signals: [SIGINT, SIGTERM])
        let ingest = LogIngest(choice: choice, site: site, provider: provider, sink: StoreSink(store: store)) { message in
            FileHandle.standardError.write(Data("cdntop: \(message)\n".utf8))
        }
        defer { printSummary(ingest.summary) }
        do {
            try ingest.run(paths: files, follow: follow) { seconds in stop.sleep(seconds: seconds) }
        } catch let error as IngestError {
            throw (error.kind == .arguments ? ExitStatus.badArguments : .nothingDone).fail(error.description)
        } catch let error as StoreError {
            throw ExitStatus.databaseUnusable.fail(error.commandLineMessage)
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
    }

    private func printSummary(_ summary: IngestSummary) {
        // Plain digits (no thousands separators): scripts read this line.
        func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
        var text = "cdntop: read \(count(summary.lines, "line")), stored \(count(summary.minutesStored, "minute")), \(summary.malformed) malformed"
        if !summary.firstMalformed.isEmpty {
            let shown = summary.firstMalformed.map { entry in
                "\(entry.source):\(entry.line)\(entry.offset > 0 ? " (counting from byte \(entry.offset))" : "")"
            }
            text += " (first: \(shown.joined(separator: ", "))\(summary.malformed > shown.count ? ", …" : ""))"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// The traffic store as the ingest loop's sink.
private final class StoreSink: TrafficSink {
    let store: any TrafficStore

    init(store: any TrafficStore) {
        self.store = store
    }

    func resumeMark(source: String) throws -> FileMark? {
        try store.logPosition(source: source).map { FileMark(source: $0.source, fileID: $0.fileID, offset: $0.offset) }
    }

    func store(_ minutes: [TrafficMinute], mark: FileMark?) throws {
        try store.recordTraffic(minutes, position: mark.map { LogPosition(source: $0.source, fileID: $0.fileID, offset: $0.offset) })
    }
}

extension LogFormatName: ExpressibleByArgument {}
extension Provider: ExpressibleByArgument {}
