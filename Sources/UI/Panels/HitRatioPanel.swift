import CDNTopCore

/// One gauge per CDN endpoint: the hit ratio with the counts behind it, BYPASS and DYNAMIC
/// counted apart, and the origin marked "no cache" instead of a misleading 0%. An endpoint
/// without a single successful probe says so: the verdicts of its error responses (a redirect
/// loop's 301s, a 503 page) say nothing about its cache.
enum HitRatioPanel {
    static func height(endpoints count: Int) -> Int { 1 + max(1, count) }

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 0 else { return }
        let window = state.data?.window ?? state.view.window
        PanelText.rule("Cache hit ratio", detail: "(HIT+STALE+REVAL)/(…+MISS+EXP), \(window.rawValue)", y: rect.y, in: rect, on: &screen)
        let summaries = state.endpoints.compactMap { state.data?.summary(of: $0) }
        let rows = rect.rows(1, rect.height - 1)
        guard !summaries.isEmpty else {
            screen.put("no probes in the window", x: rows.x + 2, y: rows.y, role: .muted, clip: rows)
            return
        }
        let nameWidth = min(16, summaries.map { DisplayWidth.of($0.endpoint.name) }.max() ?? 6)
        let gaugeWidth = max(6, min(30, (rect.width - nameWidth - 28) / 2))
        // When rows run out, the last one says how many gauges are not shown.
        let shown = summaries.count > rows.height ? max(0, rows.height - 1) : summaries.count
        if shown < summaries.count {
            PanelText.more(summaries.count - shown, detail: summaries.dropFirst(shown).map(\.endpoint.name).joined(separator: ", "),
                           y: rows.y + shown, in: rows, on: &screen)
        }
        for (row, summary) in summaries.prefix(shown).enumerated() {
            let y = rows.y + row
            var x = screen.put(DisplayWidth.pad(summary.endpoint.name, to: nameWidth), x: rows.x + 2, y: y, clip: rows) + 1
            let firing = state.data?.analysis?.alerts.isFiring(summary.endpoint.name, .minHitRatio) ?? false
            x = drawGauge(summary, width: gaugeWidth, firing: firing, x: x, y: y, in: rows, on: &screen)
            screen.put(" " + counts(summary), x: x, y: y, role: .muted, clip: rows)
        }
    }

    /// Returns the column after the gauge and its percentage.
    /// `firing`: the hit ratio is under its threshold, so the percentage is drawn as an alert.
    private static func drawGauge(_ summary: EndpointSummary, width: Int, firing: Bool, x: Int, y: Int,
                                  in rect: Rect, on screen: inout Screen) -> Int {
        let cache = summary.cache
        guard summary.ok > 0, let ratio = cache.hitRatio else {
            let text = summary.ok == 0 && cache.uncached == 0 && cache.counts.isEmpty ? "no response"
                : summary.ok == 0 ? "every probe failed"
                : summary.endpoint.isOrigin || cache.uncached == summary.probes ? "no cache" : "nothing cacheable"
            return screen.put(DisplayWidth.pad(text, to: width + 8), x: x, y: y, role: summary.ok == 0 ? .bad : .muted,
                              clip: rect)
        }
        return drawBar(ratio, width: width, role: firing ? .alert : role(ratio), x: x, y: y, in: rect, on: &screen)
    }

    /// A hit ratio's colour: good from 90%, plain from 60%, a warning below.
    static func role(_ ratio: Double) -> Role {
        ratio >= 0.9 ? .good : ratio >= 0.6 ? .text : .warn
    }

    /// A gauge of `width` cells filled to `ratio` in eighths, then the percentage in `role`
    /// right-aligned in 8 columns. Returns the column after it.
    static func drawBar(_ ratio: Double, width: Int, role: Role, x: Int, y: Int, in rect: Rect,
                        on screen: inout Screen) -> Int {
        let eighths = Int((ratio * Double(width * 8)).rounded(.down))
        let partial: [Character] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"].map { $0.first ?? " " }
        var bar = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0, bar.count < width { bar.append(partial[eighths % 8]) }
        var column = screen.put(bar, x: x, y: y, role: .gaugeFill, clip: rect)
        column = screen.put(String(repeating: "░", count: max(0, width - bar.count)), x: column, y: y, role: .gaugeEmpty, clip: rect)
        return screen.put(DisplayWidth.pad(NumberText.percent(ratio), to: 8, alignRight: true), x: column, y: y, role: role, clip: rect)
    }

    /// "419/420 hits · bypass 3 · dynamic 1", the origin's "no cache layer 420", or beside
    /// "every probe failed" only the probe count: its error responses are no cache figures.
    static func counts(_ summary: EndpointSummary) -> String {
        guard summary.ok > 0 else { return NumberText.count(summary.probes, "probe") }
        let cache = summary.cache
        var parts: [String] = []
        if cache.samples > 0 { parts.append("\(NumberText.count(cache.hits))/\(NumberText.count(cache.samples)) hits") }
        for status in [CacheStatus.bypass, .dynamic] where cache.count(status) > 0 {
            parts.append("\(status.rawValue.lowercased()) \(NumberText.count(cache.count(status)))")
        }
        if cache.uncached > 0 { parts.append("no cache layer \(NumberText.count(cache.uncached))") }
        return parts.joined(separator: " · ")
    }
}
