import CDNTopCore

/// Regions × endpoints, average / p95 TTFB, the best cell of each row highlighted. Tab
/// switches between the vantage regions probes were sent from and the POP regions that
/// answered them.
enum RegionTablePanel {
    static func rows(_ state: DashboardState, width: Int = 0) -> [RegionTableRow] {
        guard let data = state.data, let analysis = data.analysis else { return [] }
        guard state.view.regionView == .vantage else { return data.popRegionRows }
        let cellsWidth = analysis.endpoints.count * 12
        return RegionTableRow.vantageRows(analysis, withContinent: width - cellsWidth >= 30)
    }

    static func height(_ state: DashboardState) -> Int { 2 + max(1, rows(state).count) }

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 1 else { return }
        let byVantage = state.view.regionView == .vantage
        let title = byVantage ? "Regions (vantage)" : "Regions (POP that served)"
        let hint = rect.width >= 90 ? ", best underlined, Tab: other view" : ""
        let rows = rows(state, width: rect.width)
        let body = rect.rows(1, rect.height - 1)
        guard !rows.isEmpty, let names = state.data?.analysis?.endpoints.map(\.endpoint.name) else {
            PanelText.rule(title, detail: "avg/p95 ms TTFB" + hint, y: rect.y, in: rect, on: &screen)
            screen.put("no probes in the window", x: body.x + 2, y: body.y, role: .muted, clip: body)
            return
        }
        let labelWidth = min(24, max(8, rows.map { DisplayWidth.of($0.label) }.max() ?? 8))
        let showCounts = rect.width >= 2 + labelWidth + names.count * 19
        let cellWidth = showCounts ? 18 : 11
        let fitting = max(1, (rect.width - 2 - labelWidth) / (cellWidth + 1))
        let shown = Array(names.prefix(fitting))
        let shownRows = Array(rows.prefix(max(0, body.height - 1)))
        // Cells too narrow for their n: the rule says the range of n behind the cells on screen.
        PanelText.rule(title, detail: "avg/p95 ms TTFB" + (showCounts ? "" : sampleRange(shownRows, endpoints: shown)) + hint,
                       y: rect.y, in: rect, on: &screen)
        var x = screen.put(DisplayWidth.pad("region", to: labelWidth), x: body.x + 2, y: body.y, role: .heading, clip: body)
        for name in shown {
            x = screen.put(" " + DisplayWidth.pad(name, to: cellWidth, alignRight: true), x: x, y: body.y, role: .heading, clip: body)
        }
        if shown.count < names.count { screen.put(" +\(names.count - shown.count)", x: x, y: body.y, role: .muted, clip: body) }
        for (index, row) in shownRows.enumerated() {
            let y = body.y + 1 + index
            let best = row.best
            x = screen.put(DisplayWidth.pad(row.label, to: labelWidth), x: body.x + 2, y: y, clip: body)
            for name in shown {
                let cell = row.cells.first { $0.endpoint == name }
                let text = cellText(cell, withCount: showCounts)
                x = screen.put(" ", x: x, y: y, clip: body)
                x = screen.put(DisplayWidth.pad(text, to: cellWidth, alignRight: true), x: x, y: y,
                               role: name == best && row.cells.count > 1 ? .best : cell?.ttfb == nil ? .muted : .text, clip: body)
            }
        }
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
