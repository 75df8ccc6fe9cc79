import CDNTopCore

/// Regions × endpoints, average / p95 TTFB, the best cell of each row highlighted. Tab
/// switches between the vantage regions probes were sent from and the POP regions that
/// answered them. When the endpoint columns do not fit, ←/→ scroll them and the origin's
/// column stays pinned beside the labels: every CDN is read against it.
enum RegionTablePanel {
    static func rows(_ state: DashboardState, width: Int = 0) -> [RegionTableRow] {
        guard let data = state.data, let analysis = data.analysis else { return [] }
        guard state.view.regionView == .vantage else { return RegionTableRow.popRegionRows(analysis) }
        let cellsWidth = analysis.endpoints.count * 12
        return RegionTableRow.vantageRows(analysis, withContinent: width - cellsWidth >= 30)
    }

    static func height(_ state: DashboardState) -> Int { 2 + max(1, rows(state).count) }

    /// The columns the table needs to show every endpoint in compact cells.
    static func fullWidth(_ state: DashboardState) -> Int {
        let rows = rows(state)
        let labelWidth = min(24, max(8, rows.map { DisplayWidth.of($0.label) }.max() ?? 8))
        return 2 + labelWidth + columns(state).count * (compactCell + 1) + 1
    }

    static let compactCell = 11
    static let countedCell = 18

    /// The endpoint columns in order, the origin first: it is pinned when the rest scroll.
    static func columns(_ state: DashboardState) -> [String] {
        guard let analysis = state.data?.analysis else { return [] }
        let names = analysis.endpoints.map(\.endpoint.name).filter { state.endpoints.contains($0) }
        guard let origin = analysis.originEndpoint?.name, names.contains(origin) else { return names }
        return [origin] + names.filter { $0 != origin }
    }

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 1 else { return }
        let byVantage = state.view.regionView == .vantage
        let title = byVantage ? "Regions (vantage)" : "Regions (POP that served)"
        let hint = rect.width >= 90 ? ", best underlined, Tab: other view" : ""
        let rows = rows(state, width: rect.width)
        let body = rect.rows(1, rect.height - 1)
        let names = columns(state)
        guard !rows.isEmpty, !names.isEmpty else {
            PanelText.rule(title, detail: "avg/p95 ms TTFB" + hint, y: rect.y, in: rect, on: &screen)
            screen.put("no probes in the window", x: body.x + 2, y: body.y, role: .muted, clip: body)
            return
        }
        let labelWidth = min(24, max(8, rows.map { DisplayWidth.of($0.label) }.max() ?? 8))
        let showCounts = rect.width >= 2 + labelWidth + names.count * (countedCell + 1)
        let cellWidth = showCounts ? countedCell : compactCell
        // Room for every column, or for fewer and the "←N" / "+N →" scroll markers.
        let room = rect.width - 2 - labelWidth
        let fitting = room / (cellWidth + 1) >= names.count ? names.count : max(1, (room - 8) / (cellWidth + 1))
        let shown = visibleColumns(names, pinned: state.data?.analysis?.originEndpoint?.name,
                                   offset: state.view.regionOffset, fitting: fitting)
        let rowRoom = max(0, body.height - 1)
        let hiddenRows = max(0, rows.count - rowRoom)
        let shownRows = Array(rows.prefix(hiddenRows > 0 ? max(0, rowRoom - 1) : rowRoom))
        // Cells too narrow for their n: the rule says the range of n behind the cells on screen.
        PanelText.rule(title, detail: "avg/p95 ms TTFB" + (showCounts ? "" : sampleRange(shownRows, endpoints: shown.names)) + hint,
                       y: rect.y, in: rect, on: &screen)
        var x = screen.put(DisplayWidth.pad("region", to: labelWidth), x: body.x + 2, y: body.y, role: .heading, clip: body)
        if shown.before > 0 { x = screen.put(" ←\(shown.before)", x: x, y: body.y, role: .muted, clip: body) }
        for name in shown.names {
            x = screen.put(" " + DisplayWidth.pad(name, to: cellWidth, alignRight: true), x: x, y: body.y, role: .heading, clip: body)
        }
        if shown.after > 0 { screen.put(" +\(shown.after) →", x: x, y: body.y, role: .muted, clip: body) }
        for (index, row) in shownRows.enumerated() {
            let y = body.y + 1 + index
            let best = row.best
            x = screen.put(DisplayWidth.pad(row.label, to: labelWidth), x: body.x + 2, y: y, clip: body)
            if shown.before > 0 { x += 2 + String(shown.before).count }
            for name in shown.names {
                let cell = row.cells.first { $0.endpoint == name }
                let text = cellText(cell, withCount: showCounts)
                x = screen.put(" ", x: x, y: y, clip: body)
                x = screen.put(DisplayWidth.pad(text, to: cellWidth, alignRight: true), x: x, y: y,
                               role: name == best && row.cells.count > 1 ? .best : cell?.ttfb == nil ? .muted : .text, clip: body)
            }
        }
        if hiddenRows > 0 {
            PanelText.more(rows.count - shownRows.count, detail: "regions", y: body.y + 1 + shownRows.count, in: body, on: &screen)
        }
    }

    /// The columns on screen: the pinned origin, then `fitting - 1` others from `offset` on
    /// (clamped so the last page is full), and how many are scrolled off on each side.
    static func visibleColumns(_ names: [String], pinned: String?, offset: Int, fitting: Int)
        -> (names: [String], before: Int, after: Int) {
        guard names.count > fitting else { return (names, 0, 0) }
        let pinnedNames = names.first == pinned ? [names[0]] : []
        let scrolling = Array(names.dropFirst(pinnedNames.count))
        let room = max(1, fitting - pinnedNames.count)
        let start = min(max(0, offset), max(0, scrolling.count - room))
        let page = Array(scrolling.dropFirst(start).prefix(room))
        return (pinnedNames + page, start, scrolling.count - start - page.count)
    }

    /// ", n=10–12 per cell": the successful probes behind the figures of every cell shown
    /// (the rows and endpoint columns that fit).
    static func sampleRange(_ rows: [RegionTableRow], endpoints: [String]) -> String {
        let counts = rows.flatMap(\.cells).filter { endpoints.contains($0.endpoint) }.compactMap { $0.ttfb?.samples }
        guard let low = counts.min(), let high = counts.max() else { return "" }
        let range = low == high ? NumberText.count(low) : "\(NumberText.count(low))–\(NumberText.count(high))"
        return ", n=\(range) per cell"
    }

    /// "153/210", "153/210 n=420", "failed 12" when every probe failed, blank when none was sent.
    static func cellText(_ cell: RegionCell?, withCount: Bool) -> String {
        guard let cell else { return "" }
        guard let ttfb = cell.ttfb else { return "failed \(NumberText.count(cell.probes))" }
        let figures = "\(NumberText.milliseconds(ttfb.average))/\(NumberText.milliseconds(ttfb.p95))"
        return withCount ? figures + " n=\(NumberText.count(ttfb.samples))" : figures
    }
}
