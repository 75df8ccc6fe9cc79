import CDNTopCore
import Foundation
import Testing
@testable import UI

/// The whole terminal in use, charts that hold still, rows and columns that never leave the
/// screen without a marker, and the keys that sort and filter the rows.
@Suite("Layout, charts, sorting and filtering")
struct LayoutAndChartTests {
    /// Rows with nothing on them may only be chart rows (a fast endpoint's bars are low) or
    /// the events log's room for more: no idle gap between panels at any size.
    @Test(arguments: [(80, 24), (120, 40), (200, 60), (240, 70), (60, 16)])
    func blankRowsOnlyWhereTheyMeanSomething(size: (Int, Int)) throws {
        let (width, height) = size
        let state = DashboardFixtures.state(try DashboardFixtures.data(width: width))
        let layout = DashboardLayout(state, width: width, height: height)
        let lines = DashboardRenderer.render(state, width: width, height: height).text.split(separator: "\n", omittingEmptySubsequences: false)
        let endpointRows = layout.endpoints.y + 2..<layout.endpoints.maxY
        for (y, line) in lines.enumerated() where line.allSatisfy({ $0 == " " }) {
            #expect(endpointRows.contains(y) && layout.chartRows > 1 || (layout.events.y..<layout.events.maxY).contains(y),
                    "row \(y) of \(width)x\(height) is blank outside the charts and the events log")
        }
        if height >= 40 { #expect(layout.chartRows > 1, "height to spare makes the charts taller at \(width)x\(height)") }
    }

    /// The same database read again 20 s later, within one slice: the same chart. (Counted
    /// back from "now", the slices' edges moved and probes changed slices on every refresh.)
    @Test func aRefreshWithinASliceDrawsTheSameChart() throws {
        let store = try DashboardFixtures.store()
        let first = DashboardFixtures.state(try DashboardFixtures.data(width: 120, store: store,
                                                                       now: DashboardFixtures.now.addingTimeInterval(30)))
        var later = first
        later.receive(try DashboardFixtures.data(width: 120, store: store, now: DashboardFixtures.now.addingTimeInterval(50)))
        func chart(_ state: DashboardState) -> [Substring] {
            let layout = DashboardLayout(state, width: 120, height: 40)
            let lines = DashboardRenderer.render(state, width: 120, height: 40).text.split(separator: "\n")
            return Array(lines[layout.endpoints.y..<layout.endpoints.maxY])
        }
        #expect(chart(first) == chart(later))
        #expect(first.chartScale == later.chartScale)
    }

    @Test func theScaleOnlyMovesWhenAMedianLeavesIt() throws {
        let data = try DashboardFixtures.data(width: 120)
        var state = DashboardFixtures.state(data)
        let fitted = try #require(state.chartScale)
        var spiking = data
        let index = try #require(spiking.analysis?.endpoints.firstIndex { $0.endpoint.name == "fastly" })
        spiking.analysis?.endpoints[index].series[3].p50 = fitted.high * 3
        state.receive(spiking)
        let widened = try #require(state.chartScale)
        #expect(widened.high >= fitted.high * 3)
        state.receive(data)
        #expect(state.chartScale == widened, "the spike left the window of data, the scale stays until the data leaves it")
        #expect(DashboardRenderer.render(state, width: 120, height: 40).text.contains(widened.legend), "the scale is on screen")
    }

    /// Squeezed panels say what they leave out.
    @Test func squeezedPanelsEndInAMoreMarker() throws {
        let state = DashboardFixtures.state(try DashboardFixtures.data(width: 80))
        var screen = Screen(width: 80, height: 3)
        HitRatioPanel.draw(state, in: Rect(x: 0, y: 0, width: 80, height: 3), on: &screen)
        #expect(screen.text.contains("bunny") && screen.text.contains("+3 more (cloudflare, fastly, origin)"))
        var endpoints = Screen(width: 80, height: 4)
        EndpointTablePanel.draw(state, chartRows: 1, in: Rect(x: 0, y: 0, width: 80, height: 4), on: &endpoints)
        #expect(endpoints.text.contains("+3 more (3 below"))
        var regions = Screen(width: 80, height: 3)
        RegionTablePanel.draw(state, in: Rect(x: 0, y: 0, width: 80, height: 3), on: &regions)
        #expect(regions.text.contains("+3 more (regions)"))
    }

    @Test func regionColumnsScrollWithTheOriginPinned() {
        let names = ["origin", "bunny", "cloudflare", "fastly", "keycdn"]
        let first = RegionTablePanel.visibleColumns(names, pinned: "origin", offset: 0, fitting: 3)
        #expect(first.names == ["origin", "bunny", "cloudflare"] && first.before == 0 && first.after == 2)
        let last = RegionTablePanel.visibleColumns(names, pinned: "origin", offset: 9, fitting: 3)
        #expect(last.names == ["origin", "fastly", "keycdn"] && last.before == 2 && last.after == 0)
        #expect(RegionTablePanel.visibleColumns(names, pinned: "origin", offset: 0, fitting: 5).names == names)
    }

    @Test func sortAndFilterChooseTheRows() throws {
        var state = DashboardFixtures.state(try DashboardFixtures.data(width: 120))
        _ = state.handle(.character("o"))
        #expect(state.view.sort == .p50)
        let p50s = state.endpoints.compactMap { state.data?.summary(of: $0)?.ttfb?.p50 }
        #expect(p50s == p50s.sorted())
        _ = state.handle(.character("/"))
        for character in "fast" { _ = state.handle(.character(character)) }
        #expect(state.endpoints == ["fastly"])
        #expect(state.handle(.character("q")) == .none, "while typing, q is a letter")
        #expect(state.endpoints.isEmpty)
        _ = state.handle(.backspace)
        _ = state.handle(.enter)
        #expect(state.endpoints == ["fastly"] && !state.view.editingFilter)
        #expect(DashboardRenderer.render(state, width: 120, height: 40).text.contains("filter \"fast\""))
        _ = state.handle(.character("/"))
        _ = state.handle(.escape)
        #expect(state.endpoints.count == 4 && state.view.filter.isEmpty)
    }

    @Test func freezeHoldsDataAndTheClockUntilThawed() throws {
        let store = try DashboardFixtures.store()
        var state = DashboardFixtures.state(try DashboardFixtures.data(width: 120, store: store))
        _ = state.handle(.character("f"))
        let newer = try DashboardFixtures.data(width: 120, store: store, now: DashboardFixtures.now.addingTimeInterval(600))
        state.receive(newer)
        #expect(state.data?.loadedAt == DashboardFixtures.now, "frozen: the picture stays")
        _ = state.handle(.character("f"))
        #expect(state.data?.loadedAt == newer.loadedAt, "thawed: the held data shows")
    }

    @Test func anEmptyReadOnlyViewDoesNotOfferTheProbeKey() throws {
        let data = try DashboardLoaderFixtures.empty()
        var state = DashboardFixtures.state(data)
        state.live = LiveStatus(probing: false)
        let text = DashboardRenderer.render(state, width: 100, height: 30).text
        #expect(!text.contains("press p"))
        #expect(text.contains("cdntop probe"))
    }
}

enum DashboardLoaderFixtures {
    static func empty() throws -> DashboardData {
        try DashboardFixtures.data(width: 100, store: try DashboardFixtures.store([]))
    }
}
