import Agent
import ArgumentParser
import CDNTopCore
import Config
import Foundation
import Metrics
import Report
import Store

extension MetricsAddress: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}

/// `probe --metrics`: counts every stored round into `AgentMetrics`, re-evaluates the
/// configured thresholds against the store (the same rollups and rules as the UI and the
/// report), and serves the result at `/metrics`.
final class ProbeMetricsExporter {
    private let metrics = AgentMetrics()
    private let server: MetricsServer
    /// The database the agent delivers to, read for the alert state. Opened read-only when first
    /// needed: the agent may start while it is locked or not yet created (its probes wait in
    /// the outbox meanwhile), and judging thresholds must not be what creates it.
    private let database: StoreAddress
    private var store: (any ProbeStore)?
    private let endpoints: [StoredEndpoint]
    private let thresholds: [String: AlertThresholds]
    /// The minute end the alert state was last judged at: thresholds are judged at minute ends
    /// only (`AlertRules`), so rounds within one minute have nothing new to judge.
    private var judgedMinute: Double?

    /// Binds `address` now, so a taken port fails the command before the first round.
    init(address: MetricsAddress, config: CDNTopConfig, database: StoreAddress) throws {
        server = try MetricsServer.start(address, metrics: metrics)
        self.database = database
        endpoints = config.endpoints.map { StoredEndpoint(name: $0.name, site: $0.site, url: $0.url, isOrigin: $0.isOrigin) }
        thresholds = config.thresholds
    }

    var port: Int { server.port }

    /// Called after each round was stored (or failed to be).
    func observe(_ report: ProbeAgent.RoundReport) {
        metrics.record(report.results)
        let now = Date()
        let minute = (now.timeIntervalSince1970 / 60).rounded(.down)
        guard !thresholds.isEmpty, minute != judgedMinute else { return }
        if store == nil { store = try? StoreOpening.openReadOnly(database) }
        guard let store else { return }
        var states: [AgentMetrics.AlertLimitState] = []
        for site in Set(endpoints.map(\.site)).sorted() {
            do {
                // The last minute end is the one judgement that says "now".
                let alerts = try AlertLoader.alerts(store: store, site: site, endpoints: endpoints, thresholds: thresholds,
                                                    since: now.addingTimeInterval(-60), now: now)
                for (endpoint, limits) in alerts.thresholds ?? [:] {
                    states += limits.limits.map {
                        .init(endpoint: endpoint, site: site, kind: $0.kind, firing: alerts.isFiring(endpoint, $0.kind))
                    }
                }
            } catch {
                // The previous alert state stays: better a stale gauge than a false "all clear".
                FileHandle.standardError.write(Data("cdntop: evaluating thresholds failed, will retry next round: \(error)\n".utf8))
                return
            }
        }
        metrics.setAlerts(states)
        judgedMinute = minute
    }

    func stop() {
        server.stop()
    }
}
