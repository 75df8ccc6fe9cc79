import CDNTopCore
import Foundation
import Report
import Store
import Testing

/// The report names the agents behind its figures and says, as of when it was made, which
/// went quiet and which still hold probes not yet delivered.
@Suite("Reports name their agents")
struct ReportAgentsTests {
    @Test func quietAndLaggingAgentsAreSaidInMarkdownAndJSON() throws {
        let probes = ReportFixtures.probes.map { probe -> ProbeResult in
            var stamped = probe
            stamped.agent = probe.vantage.label == "eu-west" ? "fra-1" : "iad-2"
            return stamped
        }
        let store = try ReportFixtures.store(probes)
        try store.report(AgentStatus(agent: "fra-1", region: "eu-west", interval: 60, waiting: 340, dropped: 0,
                                     at: ReportFixtures.now.addingTimeInterval(-5)))
        let analysis = try ReportBuilder.analyze(store: store, site: "shop.example", window: .day, now: ReportFixtures.now)
        let regions = Set(probes.map(\.vantage.label))
        #expect(analysis.agents.agents.count == regions.count)

        let markdown = MarkdownReport.render(analysis, generatedAt: ReportFixtures.now)
        #expect(markdown.contains("Agents: eu-west (fra-1)"))
        #expect(markdown.contains("- **eu-west: 340 probes not yet delivered** as of"))

        let json = try #require(JSONSerialization.jsonObject(with: Data(JSONReport.render(analysis, generatedAt: ReportFixtures.now).utf8))
            as? [String: Any])
        let agents = try #require(json["agents"] as? [[String: Any]])
        let fra = try #require(agents.first { $0["agent"] as? String == "fra-1" })
        #expect(fra["region"] as? String == "eu-west")
        #expect(fra["not_delivered"] as? Int == 340)
        #expect(fra["silent_s"] is NSNull)
        // iad-2 never reported a status: its newest probe is what it was last heard by.
        if let iad = agents.first(where: { $0["agent"] as? String == "iad-2" }) {
            #expect(iad["not_delivered"] is NSNull)
            #expect(iad["last_probe"] is String)
        }
    }
}
