import CDNTopCore
import Foundation

/// The per-provider rows: name, provider, TTFB sparkline over the window, last / p50 / p95
/// with the sample count, the last probe's status and the POP that served it.
enum EndpointTablePanel {
    /// Rows the panel needs for `count` endpoints: rule, headings, one per endpoint.
    static func height(endpoints count: Int) -> Int { 2 + max(1, count) }

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 0 else { return }
        let names = state.endpoints
        let columns = EndpointColumns(width: rect.width, longestName: names.map(DisplayWidth.of).max() ?? 6)
        let window = state.data?.window ?? state.view.window
        // A braille character holds two slices.
        let slice = PanelText.span((state.data?.sparklineSliceSeconds ?? 60) * (state.braille ? 2 : 1))
        PanelText.rule("Endpoints", detail: "TTFB ms, \(window.phrase), 1 char = \(slice)", y: rect.y, in: rect, on: &screen)
        guard rect.height > 1 else { return }
        drawHeadings(columns, y: rect.y + 1, in: rect, on: &screen)
        let rows = rect.rows(2, rect.height - 2)
        guard !names.isEmpty else {
            let message = state.data == nil ? "reading the probe database…"
                : "no probes yet: run `cdntop probe`, or press p to probe now"
            screen.put(message, x: rows.x + 2, y: rows.y, role: .muted, clip: rows)
            return
        }
        let scale = Sparkline.scale(names.compactMap { state.data?.sparklines[$0] })
        let selected = state.selected
        let first = scrollOffset(names: names, selected: selected, visible: rows.height)
        for (row, name) in names.dropFirst(first).prefix(rows.height).enumerated() {
            let y = rows.y + row
            drawRow(name, state: state, columns: columns, scale: scale, y: y, in: rows, on: &screen)
            if name == selected {
                screen.restyle(Rect(x: rows.x, y: y, width: rows.width, height: 1), role: .selected)
                screen.put("▸", x: rows.x, y: y, role: .selected, clip: rows)
            }
        }
        if names.count > rows.height {
            screen.put("↕\(names.count)", x: rows.maxX - 3 - String(names.count).count, y: rect.y, role: .muted, clip: rect)
        }
    }

    /// Keeps the selected row on screen when there are more endpoints than rows.
    static func scrollOffset(names: [String], selected: String?, visible: Int) -> Int {
        guard visible > 0, names.count > visible, let index = selected.flatMap(names.firstIndex(of:)) else { return 0 }
        return min(names.count - visible, max(0, index - visible + 1))
    }

    private static func drawHeadings(_ columns: EndpointColumns, y: Int, in rect: Rect, on screen: inout Screen) {
        var cells: [(String, Int, Bool)] = [("endpoint", columns.name, false)]
        if columns.provider > 0 { cells.append(("provider", columns.provider, false)) }
        cells += [("TTFB over the window", columns.spark, false), ("last", columns.number, true),
                  ("avg", columns.extra, true), ("p50", columns.number, true), ("p95", columns.number, true),
                  ("p99", columns.extra, true), ("n", columns.count, true), ("ok", columns.extra, true),
                  ("status", columns.status, false)]
        if columns.pop > 0 { cells.append(("POP", columns.pop, false)) }
        var x = rect.x + EndpointColumns.marker
        for (title, width, right) in cells {
            guard width > 0 else { continue }
            screen.put(DisplayWidth.pad(title, to: width, alignRight: right), x: x, y: y, role: .heading, clip: rect)
            x += width + EndpointColumns.gap
        }
    }

    private static func drawRow(_ name: String, state: DashboardState, columns: EndpointColumns,
                                scale: (low: Double, high: Double)?, y: Int, in rect: Rect, on screen: inout Screen) {
        let summary = state.data?.summary(of: name)
        let latest = state.latest(name)
        var x = rect.x + EndpointColumns.marker
        func cell(_ text: String, _ width: Int, _ role: Role = .text, right: Bool = false) {
            guard width > 0 else { return }
            screen.put(DisplayWidth.pad(text, to: width, alignRight: right), x: x, y: y, role: role, clip: rect)
            x += width + EndpointColumns.gap
        }
        let isOrigin = summary?.endpoint.isOrigin ?? latest?.isOrigin ?? false
        cell(name, columns.name, isOrigin ? .muted : .text)
        if columns.provider > 0 {
            cell(isOrigin ? "origin" : PanelText.provider(summary?.provider ?? latest?.provider), columns.provider, .muted)
        }
        SparklineCells.draw(state.data?.sparklines[name] ?? [], braille: state.braille, scale: scale,
                            x: x, y: y, width: columns.spark, on: &screen)
        x += columns.spark + EndpointColumns.gap
        let last: String
        if let latest, latest.ok { last = PanelText.ms(Double(latest.timings.ttfb) / 1000) } else { last = latest == nil ? "—" : "×" }
        cell(last, columns.number, latest.map { $0.ok ? .text : .bad } ?? .muted, right: true)
        cell(PanelText.ms(summary?.ttfb?.average), columns.extra, right: true)
        cell(PanelText.ms(summary?.ttfb?.p50), columns.number, right: true)
        cell(PanelText.ms(summary?.ttfb?.p95), columns.number, right: true)
        cell(PanelText.ms(summary?.ttfb?.p99), columns.extra, right: true)
        cell(NumberText.count(summary?.ttfb?.samples ?? 0), columns.count, .muted, right: true)
        let success = summary?.successRatio
        cell(success.map(NumberText.percent) ?? "—", columns.extra, (success ?? 1) < 0.99 ? .warn : .muted, right: true)
        let (status, role) = statusText(name, latest: latest, state: state)
        cell(status, columns.status, role)
        if columns.pop > 0 {
            cell(latest?.pop ?? "—", columns.pop, latest?.pop == nil ? .muted : .text)
        }
    }

    /// "200 HIT", "503 MISS", "timeout", "probing…": the last probe at a glance.
    static func statusText(_ name: String, latest: ProbeResult?, state: DashboardState) -> (String, Role) {
        if let key = state.key(name), state.live.inFlight.contains(key) { return ("probing…", .busy) }
        guard let latest else { return ("no probe", .muted) }
        if let error = latest.error, error != .httpStatus { return (error.rawValue, .bad) }
        let status = latest.status.map(String.init) ?? "—"
        let cache = latest.cache?.rawValue ?? (latest.isOrigin ? "" : "·")
        let role: Role = !latest.ok ? .bad : latest.cache == .miss || latest.cache == .expired ? .warn : .good
        return ("\(status) \(cache)".trimmingCharacters(in: .whitespaces), role)
    }
}
