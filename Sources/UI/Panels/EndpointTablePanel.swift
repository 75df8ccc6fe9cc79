import CDNTopCore
import Foundation

/// The per-provider rows: name, provider, TTFB chart over the window, last / avg / p50 / p95
/// with the sample count, the last probe's status and the POP that served it. With room to
/// spare each row's chart grows taller (`chartRows`), on one scale printed in the rule.
enum EndpointTablePanel {
    /// Rows the panel needs for `count` endpoints: rule, headings, `chartRows` per endpoint.
    static func height(endpoints count: Int, chartRows: Int = 1) -> Int { 2 + max(1, count) * max(1, chartRows) }

    static func draw(_ state: DashboardState, chartRows: Int, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 0 else { return }
        let names = state.endpoints
        // Widths from every endpoint, not only the filtered ones: typing a filter must not
        // shift the columns (nor change the slices the feed reads).
        let columns = EndpointColumns(width: rect.width, longestName: state.data?.endpointNames.map(DisplayWidth.of).max() ?? 6)
        PanelText.rule("Endpoints", detail: ruleDetail(state, chart: columns.spark > 0), y: rect.y, in: rect, on: &screen)
        guard rect.height > 1 else { return }
        drawHeadings(columns, y: rect.y + 1, in: rect, on: &screen)
        let body = rect.rows(2, rect.height - 2)
        guard !names.isEmpty else {
            screen.put(emptyMessage(state), x: body.x + 2, y: body.y, role: .muted, clip: body)
            return
        }
        let rowHeight = max(1, min(chartRows, body.height))
        let visible = max(1, body.height / rowHeight)
        let selected = state.selected
        let first = scrollOffset(names: names, selected: selected, visible: visible)
        let hidden = names.count - min(visible, names.count - first)
        // The last row gives way to the marker when rows are hidden.
        let drawn = hidden > 0 ? max(0, visible - 1) : visible
        for (index, name) in names.dropFirst(first).prefix(drawn).enumerated() {
            let row = Rect(x: body.x, y: body.y + index * rowHeight, width: body.width, height: rowHeight)
            drawRow(name, state: state, columns: columns, in: row, on: &screen)
            if name == selected {
                screen.restyle(row, role: .selected)
                screen.put("▸", x: row.x, y: row.y, role: .selected, clip: row)
            }
        }
        if hidden > 0 {
            let above = first, below = names.count - first - drawn
            let parts = [above > 0 ? "\(above) above" : nil, below > 0 ? "\(below) below" : nil].compactMap { $0 }
            PanelText.more(names.count - drawn, detail: parts.joined(separator: ", ") + " · ↑↓ scroll",
                           y: body.y + drawn * rowHeight, in: body, on: &screen)
        }
    }

    /// "TTFB ms, last hour, 1 char = 1 min, ▁ 50 ms … █ 300 ms · sorted by p95 · filter "fa"".
    /// `chart` false: the terminal is too narrow for the chart column, so no scale is shown.
    static func ruleDetail(_ state: DashboardState, chart shown: Bool) -> String {
        let window = state.data?.window ?? state.view.window
        var parts = ["TTFB ms, \(window.phrase)"]
        if shown, let chart = state.data?.analysis?.chart {
            parts[0] += ", 1 char = " + (state.braille ? "2 × " : "") + chart.phrase
        }
        if shown, let scale = state.chartScale { parts.append(scale.legend) }
        if state.view.sort != .configured { parts.append("sorted by \(state.view.sort.rawValue)") }
        if !state.view.filter.isEmpty { parts.append("filter \"\(state.view.filter)\"") }
        return parts.joined(separator: " · ")
    }

    /// What an empty table says: the probe key is offered only where it works.
    static func emptyMessage(_ state: DashboardState) -> String {
        guard state.data != nil else { return "reading the probe database…" }
        if !state.view.filter.isEmpty { return "no endpoint matches \"\(state.view.filter)\" · / then Esc clears the filter" }
        return state.live.probing ? "no probes yet: press p to probe now"
            : "no probes yet: run `cdntop probe` (this view only reads the database)"
    }

    /// Keeps the selected row on screen when there are more endpoints than rows.
    static func scrollOffset(names: [String], selected: String?, visible: Int) -> Int {
        guard visible > 0, names.count > visible, let index = selected.flatMap(names.firstIndex(of:)) else { return 0 }
        // One row is the "+N more" marker while rows are hidden.
        let rows = max(1, visible - 1)
        return min(names.count - rows, max(0, index - rows + 1))
    }

    private static func drawHeadings(_ columns: EndpointColumns, y: Int, in rect: Rect, on screen: inout Screen) {
        var cells: [(String, Int, Bool)] = [("endpoint", columns.name, false)]
        if columns.provider > 0 { cells.append(("provider", columns.provider, false)) }
        cells += [("TTFB over the window", columns.spark, false), ("last", columns.number, true),
                  ("avg", columns.number, true), ("p50", columns.number, true), ("p95", columns.number, true),
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
                                in rect: Rect, on screen: inout Screen) {
        let summary = state.data?.summary(of: name)
        let latest = state.latest(name)
        let y = rect.y
        var x = rect.x + EndpointColumns.marker
        func cell(_ text: String, _ width: Int, _ role: Role = .text, right: Bool = false) {
            guard width > 0 else { return }
            screen.put(DisplayWidth.pad(text, to: width, alignRight: right), x: x, y: y, role: role, clip: rect)
            x += width + EndpointColumns.gap
        }
        let isOrigin = summary?.endpoint.isOrigin ?? latest?.isOrigin ?? false
        cell(name, columns.name, isOrigin ? .muted : .text)
        let provider = isOrigin ? "origin" : PanelText.provider(summary?.provider ?? latest?.provider)
        if columns.provider > 0 { cell(provider, columns.provider, .muted) }
        // A taller row has room under the name for what the chart does not say.
        let notes = (columns.provider > 0 ? [] : [provider]) + secondaryLines(summary)
        let notesWidth = columns.name + (columns.provider > 0 ? EndpointColumns.gap + columns.provider : 0)
        for (index, note) in notes.prefix(rect.height - 1).enumerated() {
            screen.put(DisplayWidth.truncate(note, to: notesWidth), x: rect.x + EndpointColumns.marker, y: y + 1 + index,
                       role: .muted, clip: rect)
        }
        SparklineCells.draw(summary?.series ?? [], braille: state.braille, scale: state.chartScale,
                            in: Rect(x: x, y: y, width: columns.spark, height: rect.height), on: &screen)
        x += columns.spark + EndpointColumns.gap
        let last: String
        if let latest, latest.ok { last = PanelText.ms(Double(latest.timings.ttfb) / 1000) } else { last = latest == nil ? "—" : "×" }
        cell(last, columns.number, latest.map { $0.ok ? .text : .bad } ?? .muted, right: true)
        let alerts = state.data?.analysis?.alerts ?? .notConfigured
        cell(PanelText.ms(summary?.ttfb?.average), columns.number, alerts.isFiring(name, .maxAvg) ? .alert : .text, right: true)
        cell(PanelText.ms(summary?.ttfb?.p50), columns.number, right: true)
        cell(PanelText.ms(summary?.ttfb?.p95), columns.number, alerts.isFiring(name, .maxP95) ? .alert : .text, right: true)
        cell(PanelText.ms(summary?.ttfb?.p99), columns.extra, right: true)
        // n counts the successful probes the latency figures rest on; with failures it says
        // "ok/all" so a failing endpoint never shows a bare 0 beside a thousand probes.
        cell(sampleText(summary, width: columns.count), columns.count, (summary?.failed ?? 0) > 0 ? .warn : .muted, right: true)
        let success = summary?.successRatio
        cell(success.map(NumberText.percent) ?? "—", columns.extra,
             alerts.isFiring(name, .maxErrorRate) ? .alert : (success ?? 1) < 0.99 ? .warn : .muted, right: true)
        let (status, role) = statusText(name, latest: latest, state: state)
        cell(status, columns.status, role)
        if columns.pop > 0 {
            cell(popText(latest, width: columns.pop), columns.pop, latest?.pop == nil ? .muted : .text)
        }
    }

    /// What a taller row shows under the endpoint's name: hit ratio, POPs, protocols, errors.
    static func secondaryLines(_ summary: EndpointSummary?) -> [String] {
        guard let summary else { return [] }
        var lines: [String] = []
        if summary.ok > 0, let ratio = summary.cache.hitRatio {
            lines.append("hit \(NumberText.percent(ratio)) of \(NumberText.count(summary.cache.samples))")
        }
        let provider = summary.provider
        let pops = summary.pops.map { POPMetros.metro(provider: provider, pop: $0.label)?.iata ?? $0.label }
        let distinct = pops.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !distinct.isEmpty {
            lines.append("POP " + distinct.prefix(3).joined(separator: " ") + (distinct.count > 3 ? " +\(distinct.count - 3)" : ""))
        }
        if let version = summary.httpVersions.first { lines.append("HTTP/\(version.label)") }
        if let error = summary.errors.first { lines.append("\(error.label.rawValue) \(NumberText.count(error.count))") }
        return lines
    }

    /// "180" when every probe succeeded, "0/1,157" when some failed (successful of all
    /// probes), or the successful count alone in the warning role where that does not fit.
    static func sampleText(_ summary: EndpointSummary?, width: Int) -> String {
        guard let summary else { return "0" }
        let ok = NumberText.count(summary.ttfb?.samples ?? 0)
        let both = "\(ok)/\(NumberText.count(summary.probes))"
        return summary.failed > 0 && DisplayWidth.of(both) <= width ? both : ok
    }

    /// The POP as a metro every provider shares ("JNB", "JNB Johannesburg" where there is
    /// room), so one city reads the same across providers; the provider's own code where no
    /// metro is known. The raw code is in the detail view.
    static func popText(_ latest: ProbeResult?, width: Int) -> String {
        guard let latest, let pop = latest.pop else { return "—" }
        guard let metro = latest.popMetro else { return pop }
        let code = metro.iata ?? metro.country
        guard let city = metro.city, DisplayWidth.of(code) + 1 + DisplayWidth.of(city) <= width else { return code }
        return code + " " + city
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
