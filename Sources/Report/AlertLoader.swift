import CDNTopCore
import Foundation
import Store

/// Reads what threshold evaluation needs, the minute rollups of a site, and evaluates it: the
/// one loader behind the UI's badge and events, the report's Alerts section and the agent's
/// `cdntop_alert_firing`, so all three agree on every breach.
public enum AlertLoader {
    /// The breaches of `site`'s endpoints judged in `[since, now]` (whole minutes: see
    /// `AlertRules`), all vantage points
    /// together; `notConfigured` when `thresholds` sets no limit for any of them. Minute
    /// rollups are kept for days, not weeks (`StoreSettings.minuteRollupRetention`): a longer
    /// window lists the breaches of the minutes still kept.
    public static func alerts(store: any ProbeStore, site: String, endpoints: [StoredEndpoint],
                              thresholds: [String: AlertThresholds], since: Date, now: Date) throws -> AlertSummary {
        let names = Set(endpoints.filter { $0.site == site }.map(\.name))
        let ofSite = thresholds.filter { names.contains($0.key) && !$0.value.isEmpty }
        guard let longest = ofSite.values.map(\.window).max() else { return .notConfigured }
        let series = try store.timeSeries(since: AlertRules.windowStart(endingAt: since, window: longest), until: now,
                                          span: .minute, site: site)
        return AlertSummary(thresholds: ofSite,
                            episodes: AlertRules.episodes(series: series.points, thresholds: ofSite, since: since, now: now))
    }
}
