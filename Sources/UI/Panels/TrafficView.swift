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
            let lines = ["no access logs ingested for this window: cdntop logs ingest --site \(site) FILE…",
                         "(formats: nginx, varnishncsa, cloudflare, bunny, fastly; the probes' figures are on the main view, l)"]
            for (index, line) in lines.enumerated() {
                screen.put(line, x: rect.x + 2, y: rect.y + 1 + index, role: index == 0 ? .text : .muted, clip: rect)
            }
            return
        }
        PanelText.rule("Real traffic", detail: summary(traffic), y: rect.y, in: rect, on: &screen)
        let body = rect.rows(1, rect.height - 1)
        let figures = [providers(traffic, width: body.width), content(traffic, width: body.width), versions(traffic, width: body.width)]
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

    /// Every section gets its rule and one row, in priority order while rows last; the rows
    /// left go to them in priority order; a section shorter than its rows ends in "+N more".
    private static func drawColumn(_ sections: [Section], in rect: Rect, on screen: inout Screen) {
        var given = [Int](repeating: 0, count: sections.count)
        var left = rect.height
        let order = sections.indices.sorted { sections[$0].priority < sections[$1].priority }
        for index in order where left >= 2 {
            given[index] = min(2, 1 + max(1, sections[index].rows.count))
            left -= given[index]
        }
        for index in order where given[index] > 0 {
            let extra = min(left, 1 + max(1, sections[index].rows.count) + sections[index].growth - given[index])
            given[index] += max(0, extra)
            left -= max(0, extra)
        }
        var y = rect.y
        for (index, section) in sections.enumerated() where given[index] > 0 {
            let area = Rect(x: rect.x, y: y, width: rect.width, height: given[index])
            PanelText.rule(section.title, detail: section.detail, y: y, in: area, on: &screen)
            let room = given[index] - 1
            if section.growth > 0, let row = section.rows.first {
                row(&screen, Rect(x: area.x + 2, y: y + 1, width: area.width - 2, height: room))
            } else {
                let shown = section.rows.count > room ? room - 1 : section.rows.count
                for (offset, row) in section.rows.prefix(max(0, shown)).enumerated() {
                    row(&screen, Rect(x: area.x + 2, y: y + 1 + offset, width: area.width - 2, height: 1))
                }
                if shown < section.rows.count {
                    PanelText.more(section.rows.count - max(0, shown), y: y + 1 + max(0, shown), in: area, on: &screen)
                }
            }
            y += given[index]
        }
    }

    // MARK: Sections

    private static func providers(_ traffic: TrafficAnalysis, width: Int) -> Section {
        let nameWidth = min(12, traffic.providers.map { DisplayWidth.of(PanelText.provider($0.provider)) }.max() ?? 6)
        let gauge = max(4, min(20, (width - nameWidth - 56) / 2))
        let rows: [Row] = traffic.providers.map { provider in
            { screen, rect in
                var x = screen.put(DisplayWidth.pad(PanelText.provider(provider.provider), to: nameWidth), x: rect.x, y: rect.y, clip: rect)
                x = screen.put("  real ", x: x, y: rect.y, role: .muted, clip: rect)
                if let real = provider.real, let ratio = real.hitRatio {
                    x = HitRatioPanel.drawBar(ratio, width: gauge, role: HitRatioPanel.role(ratio), x: x, y: rect.y, in: rect, on: &screen)
                    x = screen.put(DisplayWidth.pad(" n=\(NumberText.count(Int(real.hitRatioSamples)))", to: 11), x: x, y: rect.y,
                                   role: .muted, clip: rect)
                } else {
                    x = screen.put(DisplayWidth.pad(provider.real == nil ? "no logs" : "nothing cacheable", to: gauge + 19),
                                   x: x, y: rect.y, role: .muted, clip: rect)
                }
                x = screen.put(" probes ", x: x, y: rect.y, role: .muted, clip: rect)
                if let probes = provider.probes, let ratio = probes.hitRatio {
                    x = HitRatioPanel.drawBar(ratio, width: gauge, role: HitRatioPanel.role(ratio), x: x, y: rect.y, in: rect, on: &screen)
                    screen.put(" n=\(NumberText.count(probes.samples))", x: x, y: rect.y, role: .muted, clip: rect)
                } else {
                    screen.put(provider.probes == nil ? "not probed" : "nothing cacheable", x: x, y: rect.y, role: .muted, clip: rect)
                }
            }
        }
        return Section(title: "Real vs probes' hit ratio", detail: "(HIT+STALE+REVAL)/(…+MISS+EXP)", rows: rows, priority: 0)
    }

    private static func content(_ traffic: TrafficAnalysis, width: Int) -> Section {
        let gauge = max(4, min(20, width - 50))
        let rows: [Row] = traffic.byContent.map { entry in
            { screen, rect in
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
    private static func versions(_ traffic: TrafficAnalysis, width: Int) -> Section {
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
        return Section(title: "Misses over time", detail: legend, rows: scale == nil ? [] : [chart], growth: 2, priority: 1)
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
