import CDNTopCore
import Foundation
import TOMLFile

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
/// to itself. Every edge needs a POP for every region; unknown keys are errors, as in configs.
public enum ScenarioFile {
    static let topKeys: Set<String> = ["name", "site", "interval", "origin_ms", "regions", "edge"]
    static let edgeKeys: Set<String> = ["name", "provider", "origin", "hit_ratio", "stale_ratio", "shield", "redirect_loop", "pops"]
    static let popKeys: Set<String> = ["pop", "rtt", "origin_rtt"]
    /// Milliseconds a scenario may ask for: up to a minute.
    static let millisecondRange = 0.0..<60_000

    public static func load(path: String) throws(TOMLFileError) -> Scenario {
        try read(TOMLFile.load(path: path))
    }

    public static func parse(_ text: String, file: String) throws(TOMLFileError) -> Scenario {
        try read(TOMLFile(text: text, path: file))
    }

    private static func read(_ file: TOMLFile) throws(TOMLFileError) -> Scenario {
        let root = file.root
        try root.rejectUnknownKeys(allowed: topKeys)
        guard let site = try root.string("site"), !site.isEmpty else {
            throw root.error("site", "required, e.g. site = \"changelog.lab\"")
        }
        let interval = try root.duration("interval", within: 0.1...86_400) ?? 2
        let originMilliseconds = try milliseconds(root, "origin_ms") ?? 0
        guard let regionTable = try root.table("regions", what: "must be a table: write [regions]"), !regionTable.keys.isEmpty else {
            throw root.error("regions", "required: a [regions] table, one line per vantage region, e.g. \"eu-west\" = \"Europe\"")
        }
        var regions: [Vantage] = []
        for label in regionTable.keys.sorted() {
            guard let name = try regionTable.string(label), let continent = Continent(name: name) else {
                throw regionTable.error(label, "not a continent; use one of " + Continent.allCases.map(\.rawValue).joined(separator: ", "))
            }
            regions.append(Vantage(label: label, continent: continent))
        }
        guard let edgeTables = try root.tables("edge", what: "must be an array of tables: write [[edge]]"), !edgeTables.isEmpty else {
            throw root.error("edge", "at least one [[edge]] is required")
        }
        var edges: [Scenario.Edge] = []
        for table in edgeTables {
            let (edge, named) = try self.edge(table, regions: regions, originMilliseconds: originMilliseconds)
            guard !edges.contains(where: { $0.name == edge.name }) else { throw named.error("name", "duplicate name") }
            edges.append(edge)
        }
        return Scenario(name: try root.string("name") ?? site, site: site, interval: interval, regions: regions, edges: edges)
    }

    /// The edge, and its table named after it for errors about the whole list.
    private static func edge(_ unnamed: TOMLSection, regions: [Vantage],
                             originMilliseconds: Double) throws(TOMLFileError) -> (Scenario.Edge, TOMLSection) {
        guard let name = try unnamed.string("name"), !name.isEmpty else { throw unnamed.error("name", "required") }
        let table = unnamed.named("edge \"\(name)\"")
        try table.rejectUnknownKeys(allowed: edgeKeys)
        guard let providerName = try table.string("provider"), let provider = Provider(rawValue: providerName) else {
            throw table.error("provider", "must be one of " + Provider.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let isOrigin = try table.bool("origin") ?? false
        let hitRatio = try table.number("hit_ratio") ?? (isOrigin ? 0 : 1)
        let staleRatio = try table.number("stale_ratio") ?? 0
        guard (0...1).contains(hitRatio), (0...1).contains(staleRatio), hitRatio + staleRatio <= 1 else {
            throw table.error("hit_ratio", "hit_ratio and stale_ratio must be between 0 and 1, and add up to at most 1")
        }
        guard let popTable = try table.table("pops", what: "must be a table, one POP per region") else {
            throw table.error("pops", "required, one per region")
        }
        try popTable.rejectUnknownKeys(allowed: Set(regions.map(\.label)))
        var pops: [String: Scenario.PointOfPresence] = [:]
        for region in regions {
            guard let pop = try popTable.table(region.label, what: "must be a table: { pop = \"FRA\", rtt = 40 }") else {
                throw popTable.error(region.label, "missing")
            }
            try pop.rejectUnknownKeys(allowed: popKeys)
            guard let code = try pop.string("pop"), !code.isEmpty else { throw pop.error("pop", "required (the POP code)") }
            guard let rtt = try milliseconds(pop, "rtt") else { throw pop.error("rtt", "required") }
            pops[region.label] = Scenario.PointOfPresence(code: code, roundTripMilliseconds: rtt,
                                                          originRoundTripMilliseconds: try milliseconds(pop, "origin_rtt") ?? 0,
                                                          originMilliseconds: originMilliseconds)
        }
        let edge = Scenario.Edge(name: name, provider: provider, isOrigin: isOrigin, hitRatio: hitRatio, staleRatio: staleRatio,
                                 shield: try table.string("shield"), redirectLoop: try table.bool("redirect_loop") ?? false, pops: pops)
        return (edge, table)
    }

    private static func milliseconds(_ table: TOMLSection, _ key: String) throws(TOMLFileError) -> Double? {
        guard let amount = try table.number(key) else { return nil }
        guard millisecondRange.contains(amount) else { throw table.error(key, "must be milliseconds from 0 to 60000") }
        return amount
    }
}
