import ArgumentParser
import CDNTopCore
import Compare
import Config
import Foundation
import Store

/// `cdntop compare URL…`: the incident question "is it the CDN?" in one command, without a
/// config or a database.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Probe URLs side by side for a few rounds and print provider, POPs, cache, TTFB and errors per URL.",
        discussion: """
            Each round probes every URL at the same moment on fresh connections. --host and \
            --resolve apply to every URL, as in curl without --next: the Host header goes to each \
            URL's own host, and a --resolve entry changes only the URLs whose host and port it \
            names. Nothing is written unless --db is given; then the probes are stored as site \
            "compare" for `cdntop report` and `cdntop export`. Exit status 1 when a threshold is \
            breached (each breach named on stderr), 0 otherwise, also when probes fail.
            """)

    @Argument(help: ArgumentHelp("The http:// or https:// URLs to compare.", valueName: "URL"))
    var urls: [String]

    @Option(help: "Rounds to probe (1 to 1000).")
    var rounds = 10

    @Option(help: ArgumentHelp("Time between the starts of two rounds (1ms to 1h).", valueName: "DURATION"))
    var interval = DurationArgument(seconds: 1)

    @Option(help: "table, md (to paste into an issue) or json.")
    var format: CompareFormat = .table

    @Option(help: ArgumentHelp("Label of this vantage point, e.g. eu-west.", valueName: "NAME"))
    var region: String?

    @Option(help: ArgumentHelp("Store the probes in this database (created when missing).", valueName: "PATH"))
    var db: String?

    @Option(help: ArgumentHelp("Send this Host header to every URL's own host (like curl -H Host:).", valueName: "NAME"))
    var host: String?

    @Option(help: ArgumentHelp("Connect HOST:PORT to ADDRESS instead of resolving it, as curl --resolve (repeatable).",
                               valueName: "HOST:PORT:ADDRESS"))
    var resolve: [String] = []

    @Option(help: ArgumentHelp("Limit for each probe, redirects included (1ms to 5m).", valueName: "DURATION"))
    var timeout = DurationArgument(seconds: Endpoint.defaultTimeout)

    @Option(name: .customLong("max-p95"), help: ArgumentHelp("Exit 1 when a URL's TTFB p95 is above this, e.g. 800ms.", valueName: "DURATION"))
    var maxP95: DurationArgument?

    @Option(name: .customLong("min-hit-ratio"), help: ArgumentHelp("Exit 1 when a URL's cache hit ratio is below this (0.9 or 90%).", valueName: "RATIO"))
    var minHitRatio: RatioArgument?

    @Option(name: .customLong("max-error-rate"), help: ArgumentHelp("Exit 1 when more than this share of a URL's probes fail (0.01 or 1%).", valueName: "RATIO"))
    var maxErrorRate: RatioArgument?

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("give at least one URL to compare") }
        guard (1...1000).contains(rounds) else { throw ValidationError("--rounds \(rounds): write a count from 1 to 1000") }
        try interval.require(0.001...3600, flag: "--interval")
        try timeout.require(0.001...300, flag: "--timeout")
    }

    func run() throws {
        let endpoints: [Endpoint]
        do {
            endpoints = try CompareTargets.endpoints(urls: urls, host: host, resolve: resolve, timeout: timeout.seconds)
        } catch {
            throw ValidationError(error.description)
        }
        let label = region ?? CDNTopConfig.defaultRegion
        let vantage = Vantage(label: label, continent: POPRegions.continent(vantageLabel: label))
        let store = try db.map { database throws -> any ProbeStore in
            do {
                return try StoreOpening.open(StoreAddress(database), settings: .default)
            } catch {
                throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
            }
        }
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        let run = CompareRun(endpoints: endpoints, rounds: rounds, interval: interval.seconds, vantage: vantage)
        let started = Date()
        let results = try run.run(onProgress: { progress.show($0.line) }, onRound: { round in
            do { try store?.record(round) } catch { throw ExitStatus.databaseUnusable.fail(commandLineMessage(error)) }
        })
        progress.clear()
        let outcome = CompareOutcome(endpoints: endpoints, results: results, rounds: rounds, interval: interval.seconds,
                                     vantage: vantage, startedAt: started, finishedAt: Date())
        let thresholds = CompareThresholds(maxP95: maxP95.map { $0.seconds * 1000 }, minHitRatio: minHitRatio?.ratio,
                                           maxErrorRate: maxErrorRate?.ratio)
        let breaches = thresholds.breaches(in: outcome)
        let output = StandardOutput()
        output.writeLine(String(CompareRendering.render(outcome, format: format, breaches: breaches).dropLast()))
        output.flush()
        guard breaches.isEmpty else {
            for breach in breaches.dropLast() { _ = ExitStatus.thresholdBreached.fail("threshold breached: \(breach)") }
            throw ExitStatus.thresholdBreached.fail("threshold breached: \(breaches.last!)")
        }
    }
}

extension CompareFormat: ExpressibleByArgument {}

/// `--min-hit-ratio`, `--max-error-rate`: a share from 0 to 1, written `0.9` or `90%`.
struct RatioArgument: ExpressibleByArgument {
    let ratio: Double

    init?(argument: String) {
        let percent = argument.hasSuffix("%")
        guard let value = Double(percent ? String(argument.dropLast()) : argument), value.isFinite else { return nil }
        let ratio = percent ? value / 100 : value
        guard (0...1).contains(ratio) else { return nil }
        self.ratio = ratio
    }
}

/// The live "round k of N" line on stderr, rewritten in place on a terminal and absent when
/// stderr is a pipe or a file, so logs and CI output hold only the results.
final class ProgressLine {
    private let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
