import CDNTopCore
import Foundation
import Store

/// Why there is nothing to report: each case says what to do about it, in words for the
/// report's callers alike (`cdntop report` names its flags, the UI its keys).
public enum ReportError: Error, Equatable, CustomStringConvertible {
    case emptyDatabase(path: String)
    /// Nothing names a site: no probes, no configured endpoint.
    case noSites
    case unknownSite(String, known: [String])
    case ambiguousSite(known: [String])
    case emptyWindow(site: String, window: ReportWindow)

    public var description: String {
        switch self {
        case .emptyDatabase(let path):
            "nothing to report: the probe database \(path) holds no probes yet; run `cdntop probe` first"
        case .noSites:
            "nothing to report: the probe database holds no probes yet; run `cdntop probe` first"
        case .unknownSite(let site, let known):
            "nothing to report: no site \"\(site)\" in the probe database; sites: \(known.joined(separator: ", "))"
        case .ambiguousSite(let known):
            "the probe database holds several sites (\(known.joined(separator: ", "))): choose one"
        case .emptyWindow(let site, let window):
            "nothing to report: no probes of \(site) in the \(window.phrase); try a longer window"
        }
    }
}

/// Reads what a report needs from the probe database and analyses it: the library call
/// behind `cdntop report`.
public enum ReportBuilder {
    /// Sparkline slices at most: a markdown code block that fits an issue without wrapping.
    public static let maxSlices = 60

    /// `thresholds` are the config's (endpoint name → limits); without a config there are none.
    /// `traffic`: where the site's access-log traffic is stored; nil leaves the analysis'
    /// `traffic` unset (the report then says no access logs were read).
    public static func analyze(store: any ProbeStore, traffic: (any TrafficStore)? = nil, site: String?, window: ReportWindow,
                               thresholds: [String: AlertThresholds] = [:], now: Date = Date()) throws -> SiteAnalysis {
        let endpoints = try store.endpoints()
        let sites = Array(Set(endpoints.map(\.site))).sorted()
        guard !sites.isEmpty else { throw ReportError.emptyDatabase(path: store.location) }
        let chosen = try SiteWindowLoader.chooseSite(asked: site, configured: nil, known: sites)
        var analysis = try SiteWindowLoader.analyze(store: store, site: chosen, window: window, maxSlices: maxSlices,
                                                    endpoints: endpoints, thresholds: thresholds, now: now)
        guard analysis.probes > 0 else { throw ReportError.emptyWindow(site: chosen, window: window) }
        if let traffic {
            analysis.traffic = try TrafficLoader.analyze(store: traffic, site: chosen, window: window, probes: analysis,
                                                         now: now)
        }
        return analysis
    }
}

/// Writes a markdown snapshot into a reports folder as `<site>-<UTC timestamp>.md`.
public enum SnapshotWriter {
    /// Returns the path written. The folder is created if needed.
    public static func write(_ analysis: SiteAnalysis, to directory: String, now: Date = Date()) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("\(fileSafe(analysis.site))-\(UTC.compact(now)).md")
        try MarkdownReport.render(analysis, generatedAt: now).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Site names become file names: anything but letters, digits, dots and dashes turns into a dash.
    static func fileSafe(_ site: String) -> String {
        let safe = String(site.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" })
        return safe.isEmpty || safe.hasPrefix(".") ? "site" + safe : safe
    }
}
