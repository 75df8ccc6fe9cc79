import CDNTopCore

/// "bunny 4.9× faster than origin · fastly 1.6× slower": the question the whole tool exists
/// to answer, with the averages and sample counts that back it. The rule names the statistic
/// (average TTFB, the endpoint table's avg column): a comparison must not seem to contradict
/// the p50 beside it, and a 50% miss ratio shows in the average first.
enum OriginComparisonPanel {
    static func height(_ state: DashboardState, width: Int) -> Int {
        guard let analysis = state.data?.analysis, analysis.originEndpoint != nil else { return 0 }
        return 1 + max(1, lines(analysis, width: width).count)
    }

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 0, let analysis = state.data?.analysis, let origin = analysis.originEndpoint else { return }
        let detail = analysis.origin.flatMap(\.ttfb).map {
            "by average TTFB · \(origin.name) avg \(NumberText.milliseconds($0.average)) ms, n=\(NumberText.count($0.samples))"
        } ?? "\(origin.name) has no successful probe in the window"
        PanelText.rule("Against the origin", detail: detail, y: rect.y, in: rect, on: &screen)
        if analysis.originComparisons.isEmpty {
            screen.put("no comparison yet: it needs successful probes of the origin and a CDN",
                       x: rect.x + 2, y: rect.y + 1, role: .muted, clip: rect)
        }
        let all = lines(analysis, width: rect.width - 2)
        let room = rect.height - 1
        let shown = all.count > room ? max(0, room - 1) : room
        if all.count > shown {
            PanelText.more(all.dropFirst(shown).reduce(0) { $0 + $1.count }, detail: "comparisons",
                           y: rect.y + 1 + shown, in: rect, on: &screen)
        }
        for (index, line) in all.prefix(shown).enumerated() {
            var x = rect.x + 2
            for (part, comparison) in line {
                if x > rect.x + 2 { x = screen.put(" · ", x: x, y: rect.y + 1 + index, role: .muted, clip: rect) }
                let role: Role = comparison.isTie ? .text : comparison.isFaster ? .good : .bad
                x = screen.put(part, x: x, y: rect.y + 1 + index, role: role, clip: rect)
            }
        }
    }

    /// The comparisons as phrases, packed into lines of at most `width` columns.
    static func lines(_ analysis: SiteAnalysis, width: Int) -> [[(String, OriginComparison)]] {
        var lines: [[(String, OriginComparison)]] = []
        var current: [(String, OriginComparison)] = []
        var used = 0
        for comparison in analysis.originComparisons {
            let phrase = "\(comparison.endpoint) \(comparison.phrase) (avg \(NumberText.milliseconds(comparison.endpointAverage)) ms, n=\(NumberText.count(comparison.endpointSamples)))"
            let cost = DisplayWidth.of(phrase) + (current.isEmpty ? 0 : 3)
            if !current.isEmpty, used + cost > width {
                lines.append(current)
                current = []
                used = 0
            }
            used += DisplayWidth.of(phrase) + (current.isEmpty ? 0 : 3)
            current.append((phrase, comparison))
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
