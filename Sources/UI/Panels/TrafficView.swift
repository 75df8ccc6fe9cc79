import CDNTopCore

/// The traffic view (`l`): what the CDN access logs say about the window. The real hit ratio
/// of each provider beside the probes' (each with its n: the probe keeps its page warm, the
/// logs count what users got), by content type, the HTTP-version split as a bar, the misses
/// over time, the paths that missed most and the step changes found. Wide screens put the
/// figures left and their history right; narrow ones stack them, each section keeping its
/// title and first line.
enum TrafficView {
    /// One section: its rule and the rows it would draw with room for all of them.
    private struct Section {
        var title: String
        var detail: String
        var rows: [Row]
        /// Rows it takes beyond the rule when the column has them to spare (a taller chart).
        var growth = 0
        /// Lower draws first when rows are shared out.
        var priority: Int
    }

    /// Draws one row of a section into the row's rectangle.
    private typealias Row = (inout Screen, Rect) -> Void

    static let sideBySideWidth = 120

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 0 else { return }
        let window = state.data?.window ?? state.view.window
        guard let traffic = state.data?.traffic, !traffic.isEmpty else {
            PanelText.rule("Real traffic", detail: "from CDN access logs, \(window.rawValue)", y: rect.y, in: rect, on: &screen)
            let site = state.data?.site ?? "SITE"
            let lines = ["no access logs ingested for this window (\(window.rawValue))",
                         "ingest a CDN's logs with: cdntop logs ingest --site \(site) FILE…",
                         "formats: nginx, varnishncsa, cloudflare, bunny, fastly (see README) · l: back to the probes"]
            for (index, line) in lines.enumerated() {
                screen.put(line, x: rect.x + 2, y: rect.y + 1 + index, role: index == 2 ? .muted : .text, clip: rect)
            }
            return
        }
        PanelText.rule("Real traffic", detail: summary(traffic), y: rect.y, in: rect, on: &screen)
        let body = rect.rows(1, rect.height - 1)
        let figures = [providers(traffic), content(traffic), versions(traffic)]
        let history = [misses(traffic, braille: state.braille), changes(traffic), topMisses(traffic)]
        if body.width >= sideBySideWidth {
            let half = body.width / 2
            drawColumn(figures, in: Rect(x: body.x, y: body.y, width: half - 1, height: body.height), on: &screen)
            drawColumn(history, in: Rect(x: body.x + half, y: body.y, width: body.width - half, height: body.height), on: &screen)
        } else {
            drawColumn([figures[0], history[0], figures[2], history[1], figures[1], history[2]], in: body, on: &screen)
        }
    }

    /// "12,345 requests · hit ratio 50.0% · 3 malformed lines · 24h".
    private static func summary(_ traffic: TrafficAnalysis) -> String {
        var parts = [NumberText.count(Int(traffic.requests), "request")]
        if let ratio = traffic.total.cache.hitRatio { parts.append("hit ratio \(NumberText.percent(ratio))") }
        if traffic.malformedLines > 0 { parts.append(NumberText.count(Int(traffic.malformedLines), "malformed line")) }
        parts.append("from CDN access logs, \(traffic.plan.window.rawValue)")
        return parts.joined(separator: " · ")
    }

    /// Every section gets its rule and one row, in priority order while rows last; then the
    /// rows left go to their other rows in priority order, and last to taller charts. A section
    /// shown in part says in its rule how many rows it could not show.
    private static func drawColumn(_ sections: [Section], in rect: Rect, on screen: inout Screen) {
        var given = [Int](repeating: 0, count: sections.count)
        var left = rect.height
        let order = sections.indices.sorted { sections[$0].priority < sections[$1].priority }
        for index in order where left >= 2 {
            given[index] = 2
            left -= 2
        }
        for wanted in [{ (section: Section) in 1 + max(1, section.rows.count) }, { 1 + max(1, $0.rows.count) + $0.growth }] {
            for index in order where given[index] > 0 {
                let extra = max(0, min(left, wanted(sections[index]) - given[index]))
                given[index] += extra
                left -= extra
            }
        }
        var y = rect.y
        for (index, section) in sections.enumerated() where given[index] > 0 {
            let area = Rect(x: rect.x, y: y, width: rect.width, height: given[index])
            let room = given[index] - 1
            let hidden = section.growth > 0 ? 0 : max(0, section.rows.count - room)
            PanelText.rule(section.title, detail: section.detail + (hidden > 0 ? " · +\(NumberText.count(hidden)) more" : ""),
                           y: y, in: area, on: &screen)
            if section.growth > 0, let row = section.rows.first {
                row(&screen, Rect(x: area.x + 2, y: y + 1, width: area.width - 2, height: room))
            } else {
                for (offset, row) in section.rows.prefix(room).enumerated() {
                    row(&screen, Rect(x: area.x + 2, y: y + 1 + offset, width: area.width - 2, height: 1))
                }
            }
            y += given[index]
        }
    }

    // MARK: Sections

    /// A header row naming the two sides, then a row per provider: its real hit ratio with the
    /// requests behind it, and the probes' with theirs.
    private static func providers(_ traffic: TrafficAnalysis) -> Section {
        let nameWidth = min(12, traffic.providers.map { DisplayWidth.of(PanelText.provider($0.provider)) }.max() ?? 6)
        /// Name, two gauges with their percentages and n's: the gauges take what is left.
        func gauge(_ rect: Rect) -> Int { max(4, min(20, (rect.width - nameWidth - 48) / 2)) }
        /// One side; the left one padded to a fixed width so the right one lines up.
        func side(_ ratio: Double?, n: Int, none: String, width: Int, pad: Bool, x: Int, y: Int, in rect: Rect,
                  on screen: inout Screen) -> Int {
            func padded(_ text: String, _ columns: Int) -> String { pad ? DisplayWidth.pad(text, to: columns) : text }
            guard let ratio else { return screen.put(padded(none, width + 19), x: x, y: y, role: .muted, clip: rect) }
            let end = HitRatioPanel.drawBar(ratio, width: width, role: HitRatioPanel.role(ratio), x: x, y: y, in: rect, on: &screen)
            return screen.put(padded(" n=\(NumberText.count(n))", 11), x: end, y: y, role: .muted, clip: rect)
        }
        let header: Row = { screen, rect in
            let width = gauge(rect)
            let x = screen.put(DisplayWidth.pad("", to: nameWidth + 1) + DisplayWidth.pad("real, from the logs", to: width + 19),
                               x: rect.x, y: rect.y, role: .heading, clip: rect)
            screen.put(" probes, synthetic", x: x, y: rect.y, role: .heading, clip: rect)
        }
        let rows: [Row] = traffic.providers.map { provider in
            { screen, rect in
                let width = gauge(rect)
                var x = screen.put(DisplayWidth.pad(PanelText.provider(provider.provider), to: nameWidth) + " ", x: rect.x, y: rect.y,
                                   clip: rect)
                x = side(provider.real?.hitRatio, n: Int(provider.real?.hitRatioSamples ?? 0),
                         none: provider.real == nil ? "no logs" : "nothing cacheable", width: width, pad: true, x: x, y: rect.y,
                         in: rect, on: &screen)
                _ = side(provider.probes?.hitRatio, n: provider.probes?.samples ?? 0,
                         none: provider.probes == nil ? "not probed" : "nothing cacheable", width: width, pad: false, x: x + 1, y: rect.y,
                         in: rect, on: &screen)
            }
        }
        return Section(title: "Real vs probes' hit ratio", detail: "(HIT+STALE+REVAL)/(…+MISS+EXP)", rows: [header] + rows, priority: 0)
    }

    private static func content(_ traffic: TrafficAnalysis) -> Section {
        let rows: [Row] = traffic.byContent.map { entry in
            { screen, rect in
                let gauge = max(4, min(20, rect.width - 12 - 16 - 8 - 10))
                var x = screen.put(DisplayWidth.pad(entry.content.rawValue, to: 12), x: rect.x, y: rect.y, clip: rect)
                x = screen.put(DisplayWidth.pad(NumberText.count(Int(entry.cache.requests)), to: 10, alignRight: true) + " req  ",
                               x: x, y: rect.y, role: .muted, clip: rect)
                guard let ratio = entry.cache.hitRatio else {
                    screen.put("nothing cacheable", x: x, y: rect.y, role: .muted, clip: rect)
                    return
                }
                x = HitRatioPanel.drawBar(ratio, width: gauge, role: HitRatioPanel.role(ratio), x: x, y: rect.y, in: rect, on: &screen)
                screen.put(" n=\(NumberText.count(Int(entry.cache.hitRatioSamples)))", x: x, y: rect.y, role: .muted, clip: rect)
            }
        }
        return Section(title: "By content type", detail: "requests, hit ratio", rows: rows, priority: 2)
    }

    /// The split bar: one run of cells per version, then the legend with the percentages.
    private static func versions(_ traffic: TrafficAnalysis) -> Section {
        let total = traffic.httpVersions.reduce(0) { $0 + $1.count }
        let fills: [(Character, Role)] = [("░", .muted), ("▒", .warn), ("▓", .spark), ("█", .good)]
        let parts = traffic.httpVersions.enumerated().map { index, version in
            (version, fills[min(index, fills.count - 1)])
        }
        let bar: Row = { screen, rect in
            guard total > 0 else { return }
            let cells = min(60, rect.width)
            var x = rect.x
            var used = 0
            for (index, (version, fill)) in parts.enumerated() {
                // The last run takes what rounding left, so the bar is always `cells` wide.
                let run = index == parts.count - 1 ? cells - used : Int((Double(version.count) / Double(total) * Double(cells)).rounded())
                let width = max(0, min(run, cells - used))
                x = screen.put(String(repeating: fill.0, count: width), x: x, y: rect.y, role: fill.1, clip: rect)
                used += width
            }
        }
        let legend: Row = { screen, rect in
            var x = rect.x
            for (version, fill) in parts {
                x = screen.put("\(fill.0) ", x: x, y: rect.y, role: fill.1, clip: rect)
                x = screen.put("HTTP/\(version.label) \(NumberText.percent(Double(version.count) / Double(max(1, total))))  ",
                               x: x, y: rect.y, clip: rect)
            }
        }
        return Section(title: "HTTP versions", detail: "of \(NumberText.count(total, "request"))",
                       rows: total > 0 ? [bar, legend] : [], priority: 3)
    }

    private static func misses(_ traffic: TrafficAnalysis, braille: Bool) -> Section {
        let scale = traffic.missScale
        let points = traffic.missPoints
        let chart: Row = { screen, rect in SparklineCells.draw(points, braille: braille, scale: scale, in: rect, on: &screen) }
        let legend = scale.map {
            "per \(TrafficChange.span(Double(traffic.sliceSeconds))) · \(Sparkline.levels[0]) 0 … "
                + "\(Sparkline.levels[Sparkline.levels.count - 1]) \(NumberText.count(Int($0.high))) · all providers"
        } ?? "no request in the window"
        return Section(title: "Misses over time", detail: legend, rows: scale == nil ? [] : [chart], growth: 7, priority: 1)
    }

    private static func changes(_ traffic: TrafficAnalysis) -> Section {
        let previous = "against the previous \(TrafficChange.span(traffic.plan.window.seconds))"
        guard !traffic.changes.isEmpty else {
            let none: Row = { screen, rect in
                screen.put("no step change in misses or hit ratio", x: rect.x, y: rect.y, role: .muted, clip: rect)
            }
            return Section(title: "Changes", detail: previous, rows: [none], priority: 4)
        }
        let rows: [Row] = traffic.changes.map { change in
            { screen, rect in
                let x = screen.put(PanelText.provider(change.provider) + " ", x: rect.x, y: rect.y, clip: rect)
                screen.put(change.text, x: x, y: rect.y, role: change.isWorse ? .warn : .good, clip: rect)
            }
        }
        return Section(title: "Changes", detail: previous, rows: rows, priority: 4)
    }

    private static func topMisses(_ traffic: TrafficAnalysis) -> Section {
        let width = traffic.topMisses.map { DisplayWidth.of(NumberText.count($0.count)) }.max() ?? 1
        let rows: [Row] = traffic.topMisses.map { entry in
            { screen, rect in
                let x = screen.put(DisplayWidth.pad(NumberText.count(entry.count), to: width, alignRight: true) + "  ",
                                   x: rect.x, y: rect.y, role: .warn, clip: rect)
                screen.put(entry.label, x: x, y: rect.y, clip: rect)
            }
        }
        let detail = traffic.topMissesError > 0 ? "misses, each at most \(NumberText.count(Int(traffic.topMissesError))) too high" : "misses"
        return Section(title: "Top missing paths", detail: detail,
                       rows: rows.isEmpty ? [{ screen, rect in screen.put("no miss", x: rect.x, y: rect.y, role: .muted, clip: rect) }] : rows,
                       priority: 5)
    }
}
