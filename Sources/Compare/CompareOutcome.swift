import CDNTopCore
import Foundation

/// What a comparison found: the probes analysed by the same code as `cdntop report` (window
/// aggregates → `SiteAnalyzer`), so a p95 here is the p95 a report of the same probes shows.
public struct CompareOutcome: Sendable {
    public var analysis: SiteAnalysis
    /// The URL of each endpoint, by name, passwords masked.
    public var urls: [String: String]
    /// The POP cities each endpoint was served from, by name, most responses first.
    public var metros: [String: [Count<String>]]
    public var rounds: Int
    public var interval: Double
    public var vantage: Vantage
    public var startedAt: Date
    public var finishedAt: Date

    public init(endpoints: [Endpoint], results: [ProbeResult], rounds: Int, interval: Double,
                vantage: Vantage, startedAt: Date, finishedAt: Date) {
        var cells: [AggregateKey: ProbeAggregate] = [:]
        var metroCounts: [String: [String: Int]] = [:]
        for result in results {
            cells[AggregateKey(endpoint: result.endpoint, vantage: result.vantage, popRegion: result.popRegion),
                  default: ProbeAggregate()].add(result)
            if let name = Self.metroName(result) { metroCounts[result.endpoint, default: [:]][name, default: 0] += 1 }
        }
        let stored = endpoints.map { StoredEndpoint(name: $0.name, site: $0.site, url: $0.url) }
        let aggregates = WindowAggregates(since: startedAt, until: finishedAt, cells: cells)
        analysis = SiteAnalyzer.analyze(
            site: CompareTargets.site, window: .fiveMinutes, endpoints: stored, aggregates: aggregates,
            chart: ChartSlicing(window: .fiveMinutes, until: finishedAt, maxSlices: 1), series: [:])
        // The verdict names the site in "no probe of … succeeded"; these URLs are no one site.
        analysis.site = "any of the URLs"
        urls = Dictionary(stored.map { ($0.name, $0.url) }, uniquingKeysWith: { first, _ in first })
        metros = metroCounts.mapValues { counts in
            counts.map { Count($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
        }
        self.rounds = rounds
        self.interval = interval
        self.vantage = vantage
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// "20 rounds", what the verdict's figures cover.
    public var span: String { NumberText.count(rounds, "round") }

    /// "FRA Frankfurt"; the provider's own code when it names no known city.
    static func metroName(_ result: ProbeResult) -> String? {
        guard let pop = result.pop else { return nil }
        guard let metro = result.popMetro else { return pop }
        let name = [metro.iata, metro.city].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? metro.country : name
    }
}
