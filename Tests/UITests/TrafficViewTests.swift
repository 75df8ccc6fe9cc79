import CDNTopCore
import Foundation
import Store
import TestSupport
import Testing
@testable import UI

/// The traffic view (`l`) as a person sees it, at the sizes people use, in colour and in mono,
/// and its honest empty state.
@Suite("Traffic view")
struct TrafficViewTests {
    static func trafficState(width: Int, window: ReportWindow = .hour, traffic: (any TrafficStore)? = TrafficFixtures.twoDays,
                             store: (any ProbeStore)? = nil) throws -> DashboardState {
        var view = ViewState(window: window)
        _ = view.apply(.toggleTraffic, endpoints: [], sites: [])
        let data = try DashboardFixtures.data(window: window, width: width, store: store, traffic: traffic)
        return DashboardFixtures.state(data, view: view)
    }

    @Test(arguments: ["default", "mono"])
    func trafficViewAtEachSize(themeName: String) throws {
        let theme = try Snapshots.theme(themeName)
        let store = try DashboardFixtures.store()
        for (width, height) in DashboardSnapshotTests.sizes {
            let state = try Self.trafficState(width: width, store: store)
            let screen = DashboardRenderer.render(state, width: width, height: height)
            try Snapshots.assertMatches(Snapshots.dump(screen, theme: theme), named: "traffic-\(width)x\(height)-\(themeName)")
        }
    }

    @Test func everySectionIsOnScreenAt80x24() throws {
        let text = DashboardRenderer.render(try Self.trafficState(width: 80), width: 80, height: 24).text
        for heading in ["Real traffic", "Real vs probes' hit ratio", "Misses over time", "HTTP versions", "Changes",
                        "By content type", "Top missing paths"] {
            #expect(text.contains(heading), "\(heading) missing at 80x24")
        }
    }

    /// Both n's: Bunny's images and fonts in the last hour (20 minutes at 68 hits of 70, then
    /// 40 at 52), beside the probes' verdicts of the bunny endpoint with their own count.
    @Test func realBesideSyntheticWithBothCounts() throws {
        let state = try Self.trafficState(width: 200)
        let traffic = try #require(state.data?.traffic)
        let bunny = try #require(traffic.providers.first { $0.provider == .bunny })
        let real = try #require(bunny.real)
        #expect(real.hits == Int64(20 * 68 + 40 * 52))
        #expect(real.hitRatioSamples == Int64(60 * 70))
        let probes = try #require(state.data?.summary(of: "bunny")?.cache)
        #expect(bunny.probes?.samples == probes.samples)
        #expect(bunny.endpoints == ["bunny"])
        let text = DashboardRenderer.render(state, width: 200, height: 60).text
        #expect(text.contains("n=\(NumberText.count(60 * 70))"))
        #expect(text.contains("n=\(NumberText.count(probes.samples))"))
        // Cloudflare is probed and logs nothing: said so, not drawn as 0%.
        #expect(traffic.providers.contains { $0.provider == .cloudflare && $0.real == nil && $0.endpoints == ["cloudflare"] })
        #expect(text.split(separator: "\n").contains { $0.contains("Cloudflare") && $0.contains("no logs") })
    }

    @Test func theImageDropIsInTheViewAndInTheEventsLog() throws {
        let traffic = try Self.trafficState(width: 120)
        let drop = try #require(traffic.data?.traffic?.changes.first { $0.provider == .bunny && $0.measure == .hitRatio && $0.content == .image })
        #expect(drop.since == TrafficFixtures.imageDrop)
        #expect(DashboardRenderer.render(traffic, width: 200, height: 60).text.contains(drop.text))
        var dashboard = traffic
        _ = dashboard.handle(.character("l"))
        let screen = DashboardRenderer.render(dashboard, width: 200, height: 60)
        try Snapshots.assertMatches(Snapshots.dump(screen, theme: try Snapshots.theme("default")), named: "dashboard-traffic-events-200x60")
        let line = try #require(screen.text.split(separator: "\n").first { $0.contains(drop.text) })
        #expect(line.contains("Bunny") && line.contains("logs") && line.contains("11:20:00"))
    }

    @Test func emptyStateSaysHowToIngest() throws {
        for traffic in [nil, try TrafficFixtures.store(minutes: [])] as [(any TrafficStore)?] {
            let state = try Self.trafficState(width: 80, traffic: traffic)
            let screen = DashboardRenderer.render(state, width: 80, height: 24)
            #expect(screen.text.contains("no access logs ingested for this window (1h)"))
            #expect(screen.text.contains("cdntop logs ingest --site shop.example FILE…"))
            try Snapshots.assertMatches(Snapshots.dump(screen, theme: try Snapshots.theme("mono")), named: "traffic-empty-80x24")
        }
    }

    /// Every window at every size down to the minimum: the view draws, its title first, and
    /// nothing runs past the screen.
    @Test(arguments: ReportWindow.allCases)
    func everyWindowAtEverySize(window: ReportWindow) throws {
        // The traffic view does not depend on the width the data was read for.
        let state = try Self.trafficState(width: 80, window: window)
        for (width, height) in [(60, 16), (80, 24), (119, 30), (120, 40), (200, 60)] {
            let lines = DashboardRenderer.render(state, width: width, height: height).text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count >= height && lines[1].hasPrefix("─ Real traffic"), "\(window.rawValue) at \(width)x\(height)")
            #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= width })
        }
    }

    @Test func theKeyTogglesAndEscapeReturns() {
        var view = ViewState()
        _ = view.apply(KeyBindings.command(for: .character("l")) ?? .quit, endpoints: [], sites: [])
        #expect(view.page == .traffic)
        _ = view.apply(.closeOverlay, endpoints: [], sites: [])
        #expect(view.page == .probes)
        #expect(KeyBindings.all.contains { $0.command == .toggleTraffic && $0.keys == [.character("l")] })
    }
}
