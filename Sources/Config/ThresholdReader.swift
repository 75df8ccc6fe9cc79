import CDNTopCore
import Foundation
import TOMLFile

/// The alert keys an `[[endpoint]]` and a `[[site]]` table take.
enum ThresholdKeys {
    static let window = "alert_window"
    static let minProbes = "alert_min_probes"
    static let all: Set<String> = Set(AlertKind.allCases.map(\.rawValue)).union([window, minProbes])
}

/// Alert thresholds: `[[site]]` tables give a site's defaults, an endpoint's own keys override
/// them key by key, and `[ui] bell` rings on a new breach.
extension TableReader {
    /// Windows shorter than a minute cannot be told apart (rollups are per minute); a day is
    /// far past any alert that still means "now".
    static let alertWindowRange = 60.0...86_400.0
    static let minProbesRange = 1...100_000

    /// Per endpoint name, the thresholds that set at least one limit.
    func thresholds(_ root: TOMLSection, endpoints: [Endpoint]) throws(TOMLFileError) -> [String: AlertThresholds] {
        let siteDefaults = try sites(root, endpoints: endpoints)
        let tables = try root.tables("endpoint", what: "endpoint must be an array of tables: write [[endpoint]]") ?? []
        var result: [String: AlertThresholds] = [:]
        for (endpoint, table) in zip(endpoints, tables) {
            let named = table.named("endpoint \"\(endpoint.name)\"")
            let thresholds = try overriding(siteDefaults[endpoint.site] ?? AlertThresholds(), with: named)
            if !thresholds.isEmpty { result[endpoint.name] = thresholds }
        }
        return result
    }

    func bell(_ root: TOMLSection) throws(TOMLFileError) -> Bool {
        guard let table = try root.table("ui", what: "[ui] must be a table") else { return false }
        try table.rejectUnknownKeys(allowed: ["bell"])
        return try table.bool("bell") ?? false
    }

    /// `[[site]]` tables: a name that some endpoint uses, and the alert keys.
    private func sites(_ root: TOMLSection, endpoints: [Endpoint]) throws(TOMLFileError) -> [String: AlertThresholds] {
        guard let tables = try root.tables("site", what: "site must be an array of tables: write [[site]]") else { return [:] }
        let known = Set(endpoints.map(\.site))
        var result: [String: AlertThresholds] = [:]
        for unnamed in tables {
            guard let name = try unnamed.string("name"), !name.isEmpty else {
                throw unnamed.error("name", "missing: the site these defaults are for, as the endpoints' site key says")
            }
            let table = unnamed.named("site \"\(name)\"")
            try table.rejectUnknownKeys(allowed: ThresholdKeys.all.union(["name"]))
            guard known.contains(name) else {
                throw table.error("name", "no endpoint has site \"\(name)\"; sites: " + known.sorted().joined(separator: ", "))
            }
            guard result[name] == nil else { throw table.error("name", "a second [[site]] for \"\(name)\": one per site") }
            result[name] = try overriding(AlertThresholds(), with: table)
        }
        return result
    }

    /// `base` with every alert key `table` sets replaced.
    private func overriding(_ base: AlertThresholds, with table: TOMLSection) throws(TOMLFileError) -> AlertThresholds {
        var thresholds = base
        thresholds.maxP95 = try table.duration(AlertKind.maxP95.rawValue, within: Self.timeoutRange) ?? base.maxP95
        thresholds.maxAvg = try table.duration(AlertKind.maxAvg.rawValue, within: Self.timeoutRange) ?? base.maxAvg
        thresholds.minHitRatio = try ratio(table, AlertKind.minHitRatio.rawValue) ?? base.minHitRatio
        thresholds.maxErrorRate = try ratio(table, AlertKind.maxErrorRate.rawValue) ?? base.maxErrorRate
        thresholds.window = try table.duration(ThresholdKeys.window, within: Self.alertWindowRange) ?? base.window
        if let value = table[ThresholdKeys.minProbes] {
            guard let count = value.int, Self.minProbesRange.contains(count) else {
                throw table.error(ThresholdKeys.minProbes, "\(value.debugDescription) is not a whole number from 1 to 100000")
            }
            thresholds.minProbes = count
        }
        return thresholds
    }

    /// A ratio written as a number from 0 to 1 (`0.95`) or a percentage string (`"95%"`).
    private func ratio(_ table: TOMLSection, _ key: String) throws(TOMLFileError) -> Double? {
        guard let value = table[key] else { return nil }
        let ratio: Double?
        if let text = value.string {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            ratio = trimmed.hasSuffix("%") ? Double(trimmed.dropLast()).map { $0 / 100 } : nil
        } else {
            ratio = value.double ?? value.int.map(Double.init)
        }
        guard let ratio, ratio.isFinite, (0...1).contains(ratio) else {
            throw table.error(key, "\(value.debugDescription) is not a ratio: write a number from 0 to 1 (0.95) or a percentage (\"95%\")")
        }
        return ratio
    }
}
