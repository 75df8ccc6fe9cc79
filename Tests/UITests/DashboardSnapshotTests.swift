import CDNTopCore
import Foundation
import Testing
@testable import UI

/// The whole screen as a person sees it, at the sizes people use: 80x24 (a default terminal,
/// a shared tmux pane), 120x40, 200x60 (a recording), in the dark default and in mono.
@Suite("Dashboard snapshots")
struct DashboardSnapshotTests {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    @Test(arguments: ["default", "mono"])
    func wholeScreenAtEachSize(themeName: String) throws {
        let theme = try Snapshots.theme(themeName)
        let store = try DashboardFixtures.store()
        for (width, height) in Self.sizes {
            let data = try DashboardFixtures.data(width: width, store: store)
            let screen = DashboardRenderer.render(DashboardFixtures.state(data), width: width, height: height)
            try Snapshots.assertMatches(Snapshots.dump(screen, theme: theme), named: "dashboard-\(width)x\(height)-\(themeName)")
        }
    }

    @Test func everyPanelIsOnScreenAt80x24() throws {
        let data = try DashboardFixtures.data(width: 80)
        let text = DashboardRenderer.render(DashboardFixtures.state(data), width: 80, height: 24).text
        for heading in ["Endpoints", "Regions (vantage)", "Cache hit ratio", "Against the origin", "p probe"] {
            #expect(text.contains(heading), "\(heading) missing at 80x24")
        }
        #expect(text.contains("bunny"))
        #expect(text.contains("faster than origin"))
    }

    @Test func helpOverlayListsEveryBindingAndTheLegend() throws {
        var view = ViewState()
        view.overlay = .help
        let data = try DashboardFixtures.data(width: 80)
        let small = DashboardRenderer.render(DashboardFixtures.state(data, view: view), width: 80, height: 24)
        try Snapshots.assertMatches(Snapshots.dump(small, theme: try Snapshots.theme("mono")), named: "help-80x24")
        let large = DashboardRenderer.render(DashboardFixtures.state(data, view: view), width: 200, height: 60)
        try Snapshots.assertMatches(Snapshots.dump(large, theme: try Snapshots.theme("default")), named: "help-200x60")
        for binding in KeyBindings.all {
            #expect(small.text.contains(binding.short), "compact help lacks \(binding.short)")
            #expect(large.text.contains(binding.help), "help lacks \(binding.help)")
        }
        for entry in HelpOverlay.legend {
            #expect(large.text.contains(entry.long), "legend lacks \(entry.symbol)")
        }
        #expect(small.text.contains("successful probes"), "the small legend says what n counts")
    }

    @Test func detailOverlayShowsPhasesHeadersAndErrors() throws {
        var view = ViewState()
        view.overlay = .detail
        view.selected = "fastly"
        let data = try DashboardFixtures.data(width: 120, detail: "fastly")
        let screen = DashboardRenderer.render(DashboardFixtures.state(data, view: view), width: 120, height: 40)
        try Snapshots.assertMatches(Snapshots.dump(screen, theme: try Snapshots.theme("default")), named: "detail-120x40")
        #expect(screen.text.contains("x-served-by: cache-iad2120-IAD, cache-fra19120-FRA"))
        #expect(screen.text.contains("Where the time goes"))
    }

    /// Trailers travel from the probe through the store to the detail view, under their own
    /// title, escape sequences removed.
    @Test func detailOverlayShowsTrailersApart() throws {
        let trailers = [HTTPHeader(name: "Server", value: "cloudflare"),
                        HTTPHeader(name: "X-Checksum", value: "ab12\u{1B}]0;pwned\u{07}")]
        let probes = DashboardFixtures.probes().map { probe in
            var probe = probe
            if probe.endpoint == "fastly" { probe.trailers = trailers }
            return probe
        }
        var view = ViewState()
        view.overlay = .detail
        view.selected = "fastly"
        let data = try DashboardFixtures.data(width: 120, detail: "fastly", store: DashboardFixtures.store(probes))
        let screen = DashboardRenderer.render(DashboardFixtures.state(data, view: view), width: 120, height: 60)
        #expect(screen.text.contains("Trailers (after the body, not classified)"))
        #expect(screen.text.contains("server: cloudflare"))
        #expect(screen.text.contains("x-checksum: ab12"))
        #expect(!screen.text.contains("pwned") && !screen.text.contains("]0;"))
    }

    @Test func popRegionViewAndBrailleSparklines() throws {
        var view = ViewState()
        view.regionView = .popRegion
        let data = try DashboardFixtures.data(width: 120, braille: true)
        let screen = DashboardRenderer.render(DashboardFixtures.state(data, view: view, braille: true), width: 120, height: 40)
        try Snapshots.assertMatches(screen.text + "\n", named: "pop-regions-braille-120x40")
        #expect(screen.text.contains("Regions (POP that served)"))
        #expect(screen.text.contains("Europe"))
    }

    @Test func tooSmallSaysWhatItNeedsAndRecovers() throws {
        let data = try DashboardFixtures.data(width: 50)
        let small = DashboardRenderer.render(DashboardFixtures.state(data), width: 50, height: 12).text
        #expect(small.contains("terminal too small"))
        #expect(small.contains("need \(DashboardLayout.minimum.width)x\(DashboardLayout.minimum.height)"))
        let enlarged = DashboardRenderer.render(DashboardFixtures.state(data), width: 80, height: 24).text
        #expect(!enlarged.contains("terminal too small"))
    }

    /// No row of any panel may run past the screen or into another: every size from the
    /// minimum to 240x70 renders with the header on row 0 and the footer on the last row.
    @Test func everySizeKeepsHeaderAndFooterInPlace() throws {
        let store = try DashboardFixtures.store()
        let data = try DashboardFixtures.data(width: 120, store: store)
        for width in stride(from: DashboardLayout.minimum.width, through: 240, by: 9) {
            for height in stride(from: DashboardLayout.minimum.height, through: 70, by: 7) {
                let lines = DashboardRenderer.render(DashboardFixtures.state(data), width: width, height: height)
                    .text.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == height)
                #expect(lines.first?.hasPrefix(" cdntop ") == true, "header at \(width)x\(height)")
                #expect(lines.last?.contains("q quit") == true || lines.last?.contains("quit") == true, "footer at \(width)x\(height)")
            }
        }
    }
}

@Suite("Dashboard layout under pressure")
struct DashboardLayoutPressureTests {
    /// Ten CDNs against an origin, at every height from the minimum up: one comparison line
    /// per CDN on a narrow screen once squeezed the region table down to a single row.
    @Test func manyEndpointsAtEverySmallSize() throws {
        var probes: [ProbeResult] = []
        for minute in 1...5 {
            let time = DashboardFixtures.now.addingTimeInterval(Double(-minute * 60))
            for (index, vantage) in DashboardFixtures.vantages.enumerated() {
                probes.append(DashboardFixtures.probe("origin", vantage, time, ms: 300, cache: nil, provider: .fly, pop: "IAD", origin: true))
                for cdn in 0..<10 {
                    probes.append(DashboardFixtures.probe("cdn-with-a-long-name-\(cdn)", vantage, time, ms: Double(20 + cdn * 10 + index),
                                                          cache: .hit, provider: .fastly, pop: "東京"))
                }
            }
        }
        let store = try DashboardFixtures.store(probes)
        for width in [60, 61, 79, 80, 109, 110] {
            let data = try DashboardFixtures.data(width: width, store: store)
            for height in DashboardLayout.minimum.height...34 {
                var view = ViewState()
                view.selected = "cdn-with-a-long-name-9"
                let screen = DashboardRenderer.render(DashboardFixtures.state(data, view: view), width: width, height: height)
                let lines = screen.text.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == height && lines.allSatisfy { DisplayWidth.of(String($0)) == width })
                #expect(screen.text.contains("▸ cdn-with-a-long"), "selected row scrolled away at \(width)x\(height)")
            }
        }
    }
}

@Suite("Help at the minimum size")
struct CompactHelpTests {
    @Test func everyKeyIsListedAt60x16() throws {
        var view = ViewState()
        view.overlay = .help
        let data = try DashboardFixtures.data(width: 60)
        let text = DashboardRenderer.render(DashboardFixtures.state(data, view: view), width: 60, height: 16).text
        for binding in KeyBindings.all {
            #expect(text.contains(KeyBindings.keysLabel(binding) + " " + binding.short) || text.contains(binding.short),
                    "\(binding.short) missing from the compact help")
        }
    }
}

@Suite("Dashboard when nothing answers")
struct NothingAnswersTests {
    /// With no network every probe fails from the start: the screen must say so, never call
    /// a CDN "not caching" or claim there were no failures.
    @Test func everyProbeFailing() throws {
        var probes: [ProbeResult] = []
        for minute in 1...3 {
            let time = DashboardFixtures.now.addingTimeInterval(Double(-minute * 60))
            let vantage = DashboardFixtures.vantages[0]
            probes.append(DashboardFixtures.probe("origin", vantage, time, ms: nil, cache: nil, provider: nil, pop: nil, origin: true, error: .dns))
            probes.append(DashboardFixtures.probe("fastly", vantage, time, ms: nil, cache: nil, provider: nil, pop: nil, error: .dns))
        }
        let data = try DashboardFixtures.data(width: 100, store: try DashboardFixtures.store(probes))
        let text = DashboardRenderer.render(DashboardFixtures.state(data), width: 100, height: 30).text
        #expect(text.contains("fastly no response"))
        #expect(text.contains("no comparison yet"))
        #expect(text.contains("errors in 1h: timeout") == false && text.contains("dns 6 of 6"))
        #expect(!text.contains("no failures"))
    }
}
