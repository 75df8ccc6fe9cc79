import CDNTopCore
import Foundation
import TOMLKit

/// A scenario file that cannot be used: the file, where in it, and what to fix.
public struct ScenarioError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String

    public var description: String { "\(file): \(message)" }
}

/// Reads a scenario:
/// ```toml
/// name = "changelog"
/// site = "changelog.lab"
/// interval = "2s"
/// origin_ms = 30                 # the origin's own time per request
/// [regions]                      # vantage label = continent
/// "eu-west" = "Europe"
/// [[edge]]
/// name = "fastly"
/// provider = "fastly"
/// hit_ratio = 0.5
/// stale_ratio = 0.01             # optional: serve-stale, answered at hit speed
/// shield = "IAD"                 # optional
/// pops = { "eu-west" = { pop = "FRA", rtt = 40, origin_rtt = 190 } }
/// ```
/// `rtt` is the round trip from the region to the POP, `origin_rtt` from the POP to the
/// origin; a hit costs rtt, a miss (and every request to an `origin = true` edge)
/// rtt + origin_rtt + origin_ms. `redirect_loop = true` makes an edge answer with a redirect
/// to itself. Every edge needs a POP for every region.
public enum ScenarioFile {
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ScenarioError(file: path, message: "cannot read the file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        func fail(_ message: String) -> ScenarioError { ScenarioError(file: file, message: message) }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw fail("line \(error.source.begin.line): not valid TOML: \(error.description)")
        } catch {
            throw fail("not valid TOML: \(error)")
        }
        guard let site = table["site"]?.string, !site.isEmpty else { throw fail("site: required, e.g. site = \"changelog.lab\"") }
        let intervalText = table["interval"]?.string ?? "2s"
        guard let interval = HumanDuration.seconds(intervalText), interval >= 0.1 else {
            throw fail("interval: \"\(intervalText)\" is not a duration of at least 100ms")
        }
        let originMilliseconds = number(table["origin_ms"]) ?? 0
        guard (0..<60_000).contains(originMilliseconds) else { throw fail("origin_ms must be milliseconds from 0 to 60000") }
        guard let regionTable = table["regions"]?.table, !regionTable.keys.isEmpty else {
            throw fail("[regions]: required, one line per vantage region, e.g. \"eu-west\" = \"Europe\"")
        }
        var regions: [Vantage] = []
        for label in regionTable.keys.sorted() {
            guard let name = regionTable[label]?.string, let continent = Continent(name: name) else {
                throw fail("regions.\(label): not a continent; use one of "
                           + Continent.allCases.map(\.rawValue).joined(separator: ", "))
            }
            regions.append(Vantage(label: label, continent: continent))
        }
        guard let edgeArray = table["edge"]?.array, !edgeArray.isEmpty else { throw fail("[[edge]]: at least one is required") }
        var edges: [Scenario.Edge] = []
        for (index, value) in edgeArray.enumerated() {
            guard let edgeTable = value.table else { throw fail("edge #\(index + 1) must be a table: write [[edge]]") }
            let edge = try self.edge(edgeTable, index: index, regions: regions, originMilliseconds: originMilliseconds, fail: fail)
            guard !edges.contains(where: { $0.name == edge.name }) else { throw fail("edge \"\(edge.name)\": duplicate name") }
            edges.append(edge)
        }
        return Scenario(name: table["name"]?.string ?? site, site: site, interval: interval, regions: regions, edges: edges)
    }

    private static func edge(_ table: TOMLTable, index: Int, regions: [Vantage], originMilliseconds: Double,
                             fail: (String) -> ScenarioError) throws(ScenarioError) -> Scenario.Edge {
        guard let name = table["name"]?.string, !name.isEmpty else { throw fail("edge #\(index + 1): name is required") }
        let place = "edge \"\(name)\""
        guard let providerName = table["provider"]?.string, let provider = Provider(rawValue: providerName) else {
            throw fail("\(place): provider must be one of " + Provider.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let isOrigin = table["origin"]?.bool ?? false
        let hitRatio = number(table["hit_ratio"]) ?? (isOrigin ? 0 : 1)
        let staleRatio = number(table["stale_ratio"]) ?? 0
        guard (0...1).contains(hitRatio), (0...1).contains(staleRatio), hitRatio + staleRatio <= 1 else {
            throw fail("\(place): hit_ratio and stale_ratio must be between 0 and 1, and add up to at most 1")
        }
        guard let popTable = table["pops"]?.table else { throw fail("\(place): pops is required, one per region") }
        var pops: [String: Scenario.PointOfPresence] = [:]
        for region in regions {
            guard let pop = popTable[region.label]?.table else { throw fail("\(place): pops.\"\(region.label)\" is missing") }
            func milliseconds(_ key: String) throws(ScenarioError) -> Double? {
                guard let value = pop[key] else { return nil }
                guard let amount = number(value), amount >= 0, amount < 60_000 else {
                    throw fail("\(place): pops.\"\(region.label)\".\(key) must be milliseconds from 0 to 60000")
                }
                return amount
            }
            guard let code = pop["pop"]?.string, !code.isEmpty else {
                throw fail("\(place): pops.\"\(region.label)\".pop is required (the POP code)")
            }
            guard let rtt = try milliseconds("rtt") else { throw fail("\(place): pops.\"\(region.label)\".rtt is required") }
            pops[region.label] = Scenario.PointOfPresence(code: code, roundTripMilliseconds: rtt,
                                                          originRoundTripMilliseconds: try milliseconds("origin_rtt") ?? 0,
                                                          originMilliseconds: originMilliseconds)
        }
        return Scenario.Edge(name: name, provider: provider, isOrigin: isOrigin, hitRatio: hitRatio, staleRatio: staleRatio,
                             shield: table["shield"]?.string, redirectLoop: table["redirect_loop"]?.bool ?? false, pops: pops)
    }

    /// TOML writes 1 and 1.0 differently; a scenario means the same number by both.
    private static func number(_ value: TOMLValueConvertible?) -> Double? {
        value?.double ?? value?.int.map(Double.init)
    }
}
