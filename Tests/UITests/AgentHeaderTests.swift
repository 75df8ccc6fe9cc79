import CDNTopCore
import Foundation
import Store
import Testing
@testable import UI

/// The header tells a viewer when an agent went quiet or lags behind on delivery: figures
/// from a region that stopped reporting look fine until someone notices they are old.
@Suite("Agents in the header")
struct AgentHeaderTests {
    static let now = DashboardFixtures.now

    /// Ten minutes of probes from each region's own agent; ap-south's agent stops 20 min
    /// before `now`, eu-west's reports 340 probes still waiting in its outbox.
    static func store() throws -> any ProbeStore {
        var probes: [ProbeResult] = []
        for minute in 0..<40 {
            let time = now.addingTimeInterval(Double(-minute * 60 - 30))
            for vantage in DashboardFixtures.vantages where vantage.label != "ap-south" || minute >= 20 {
                var probe = DashboardFixtures.probe("fastly", vantage, time, ms: 40, cache: .hit, provider: .fastly, pop: "FRA")
                probe.agent = "agent-\(vantage.label)"
                probes.append(probe)
            }
        }
        let store = try DashboardFixtures.store(probes)
        for vantage in DashboardFixtures.vantages {
            let waiting = vantage.label == "eu-west" ? 340 : 0
            let reported = vantage.label == "ap-south" ? now.addingTimeInterval(-20 * 60 - 30) : now.addingTimeInterval(-10)
            try store.report(AgentStatus(agent: "agent-\(vantage.label)", region: vantage.label, interval: 60,
                                         waiting: waiting, dropped: 0, at: reported))
        }
        return store
    }

    @Test func silentAgentIsFlaggedFirstThenTheBacklogIsCounted() throws {
        let data = try DashboardFixtures.data(width: 200, store: try Self.store(), now: Self.now)
        #expect(data.analysis?.agents.agents.map(\.agent) == ["agent-ap-south", "agent-eu-west", "agent-us-east"])
        #expect(data.analysis?.agents.notices(at: Self.now).map(\.text) == [
            "ap-south silent 20 min", "eu-west: 340 probes not yet delivered",
        ])
        let wide = DashboardRenderer.render(DashboardFixtures.state(data), width: 200, height: 60).text
        let header = try #require(wide.split(separator: "\n").first)
        #expect(header.contains("ap-south silent 20 min +1"))
        #expect(header.contains("3 agents"))
        let narrow = DashboardRenderer.render(DashboardFixtures.state(data), width: 80, height: 24).text
        #expect(narrow.split(separator: "\n").first?.contains("ap-south silent 20 min +1") == true,
                "a narrow terminal still shows the silence")
    }

    @Test func agentsHeardBeforeTheWindowAreNotListed() throws {
        let data = try DashboardFixtures.data(window: .fiveMinutes, width: 120, store: try Self.store(), now: Self.now)
        #expect(data.analysis?.agents.agents.map(\.agent) == ["agent-eu-west", "agent-us-east"])
        #expect(data.analysis?.agents.notices(at: Self.now).map(\.text) == ["eu-west: 340 probes not yet delivered"])
    }
}
