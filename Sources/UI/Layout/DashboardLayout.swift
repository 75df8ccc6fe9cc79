/// Where each panel goes at a given terminal size, using the whole terminal.
///
/// Panels are stacked top to bottom; the hit-ratio gauges and the region table sit side by side
/// when the terminal is wide enough for the region table to show every endpoint in half of it.
/// Each panel gets its minimum first, then what it asks for in priority order (endpoints,
/// origin, regions, hit ratio), and the events log takes the rest — so at 80x24 nothing
/// overlaps. Height to spare then makes each endpoint's chart taller: up to three rows while the
/// events log keeps its first lines, more only when the log has room for all it holds.
public struct DashboardLayout: Sendable, Hashable {
    public static let minimum = (width: 60, height: 16)
    static let sideBySideWidth = 110
    /// The tallest chart per endpoint, and the tallest one allowed to cost events lines.
    static let maxChartRows = 6
    static let chartRowsBeforeEvents = 3
    /// Events lines kept before charts grow past `chartRowsBeforeEvents`.
    static let eventsKept = 6
    /// Rows the events log keeps on the smallest screens: its rule and its first line.
    static let eventsFloor = 2

    public var header: Rect
    public var endpoints: Rect
    public var hitRatio: Rect
    public var regions: Rect
    public var origin: Rect
    public var events: Rect
    public var footer: Rect
    /// Rows each endpoint's chart takes.
    public var chartRows: Int
    /// True when every panel got all the rows its content asks for.
    var complete: Bool

    public static func fits(width: Int, height: Int) -> Bool {
        width >= minimum.width && height >= minimum.height
    }

    init(_ state: DashboardState, width: Int, height: Int) {
        let eventsWanted = 1 + max(1, (state.data?.events.count ?? 1) + (state.data?.traffic?.changes.count ?? 0))
        var chosen = DashboardLayout(state, width: width, height: height, chartRows: 1)
        for rows in stride(from: Self.maxChartRows, through: 2, by: -1) {
            let candidate = DashboardLayout(state, width: width, height: height, chartRows: rows)
            let eventsNeeded = rows <= Self.chartRowsBeforeEvents ? min(eventsWanted, Self.eventsKept + 1) : eventsWanted
            if candidate.complete, candidate.events.height >= eventsNeeded {
                chosen = candidate
                break
            }
        }
        self = chosen
    }

    private init(_ state: DashboardState, width: Int, height: Int, chartRows: Int) {
        self.chartRows = chartRows
        header = Rect(x: 0, y: 0, width: width, height: 1)
        footer = Rect(x: 0, y: height - 1, width: width, height: 1)
        var top = 1
        var left = height - 2
        var complete = true
        /// Up to `wanted` rows, none when fewer than `minimum` remain: a panel squeezed below
        /// its title and one line of content is left out, and its rows go to the events log.
        func take(_ wanted: Int, minimum: Int = 2) -> Int {
            let rows = min(left, wanted)
            guard rows >= min(minimum, wanted) else { complete = complete && wanted == 0; return 0 }
            if rows < wanted { complete = false }
            left -= rows
            return rows
        }
        let endpointCount = max(1, state.endpoints.count)
        let endpointWanted = EndpointTablePanel.height(endpoints: endpointCount, chartRows: chartRows)
        let endpointRows = take(min(endpointWanted, max(5, left / 2)))
        if endpointRows < endpointWanted { complete = false }
        endpoints = Rect(x: 0, y: top, width: width, height: endpointRows)
        top += endpointRows

        // The comparison with the origin is the story, but one line per CDN on a narrow screen
        // must not starve the tables: at most a quarter of what is left.
        let originWanted = OriginComparisonPanel.height(state, width: width - 2)
        let originRows = take(min(originWanted, max(2, left / 4)))
        if originRows < originWanted { complete = false }
        let regionWanted = RegionTablePanel.height(state)
        let hitWanted = HitRatioPanel.height(endpoints: state.data?.analysis?.endpoints.count ?? 1)
        let half = width / 2
        // The events log always keeps its rule and first line: an ongoing failure is the
        // first thing it says, and on a small screen the tables give way to it.
        let reserveForEvents = min(left, left >= regionWanted + hitWanted + 3 ? 3 : Self.eventsFloor)
        left -= reserveForEvents
        if width >= Self.sideBySideWidth, RegionTablePanel.fullWidth(state) <= width - half {
            let rows = take(max(regionWanted, hitWanted))
            hitRatio = Rect(x: 0, y: top, width: half - 1, height: rows)
            regions = Rect(x: half, y: top, width: width - half, height: rows)
            top += rows
        } else {
            // Stacked, the two tables share what is left; each marks the rows it cannot show.
            let regionRows = take(min(regionWanted, max(3, left - min(hitWanted, max(3, left / 2)))))
            let hitRows = take(hitWanted)
            regions = Rect(x: 0, y: top, width: width, height: regionRows)
            hitRatio = Rect(x: 0, y: top + regionRows, width: width, height: hitRows)
            top += regionRows + hitRows
        }
        left += reserveForEvents
        origin = Rect(x: 0, y: top, width: width, height: originRows)
        top += originRows
        events = Rect(x: 0, y: top, width: width, height: left)
        self.complete = complete
    }

    /// How many chart slices the endpoint table shows at `width`: the data feed asks the
    /// database for at most that many, so a wider terminal shows finer history.
    public static func chartSlices(width: Int, endpointNames: [String], braille: Bool) -> Int {
        let columns = EndpointColumns(width: width, longestName: endpointNames.map(DisplayWidth.of).max() ?? 6)
        return max(1, columns.spark * (braille ? 2 : 1))
    }
}

/// Composes a whole frame: the function from state and size to the screen model.
public enum DashboardRenderer {
    public static func render(_ state: DashboardState, width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        guard DashboardLayout.fits(width: width, height: height) else {
            TooSmallPanel.draw(width: width, height: height, minimum: DashboardLayout.minimum, on: &screen)
            return screen
        }
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        if state.view.page == .traffic {
            HeaderPanel.draw(state, in: Rect(x: 0, y: 0, width: width, height: 1), on: &screen)
            TrafficView.draw(state, in: body, on: &screen)
            FooterPanel.draw(state, in: Rect(x: 0, y: height - 1, width: width, height: 1), on: &screen)
            drawOverlay(state, in: body, on: &screen)
            return screen
        }
        let layout = DashboardLayout(state, width: width, height: height)
        HeaderPanel.draw(state, in: layout.header, on: &screen)
        EndpointTablePanel.draw(state, chartRows: layout.chartRows, in: layout.endpoints, on: &screen)
        HitRatioPanel.draw(state, in: layout.hitRatio, on: &screen)
        RegionTablePanel.draw(state, in: layout.regions, on: &screen)
        OriginComparisonPanel.draw(state, in: layout.origin, on: &screen)
        EventsPanel.draw(state, in: layout.events, on: &screen)
        FooterPanel.draw(state, in: layout.footer, on: &screen)
        drawOverlay(state, in: body, on: &screen)
        return screen
    }

    private static func drawOverlay(_ state: DashboardState, in body: Rect, on screen: inout Screen) {
        switch state.view.overlay {
        case .help: HelpOverlay.draw(in: body, on: &screen)
        case .detail: DetailOverlay.draw(state, in: body, on: &screen)
        case nil: break
        }
    }
}
