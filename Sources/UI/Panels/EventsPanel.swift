import CDNTopCore

/// The events log: errors by class over the window in the rule, then the endpoints failing
/// right now (pinned: the one thing that must not scroll away), then the window's events
/// (failures, recoveries, status changes, cache flips, step changes in the real traffic from
/// access logs), newest first, and "+N more" when
/// the rows run out before the events do.
enum EventsPanel {
    /// One row of the log: when, whose, from where, what.
    private struct Line {
        var time: String
        var endpoint: String
        var vantage: String
        var text: String
        var role: Role
    }

    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 0 else { return }
        PanelText.rule("Events", detail: errorSummary(state), y: rect.y, in: rect, on: &screen)
        let body = rect.rows(1, rect.height - 1)
        guard body.height > 0 else { return }
        let lines = self.lines(state)
        guard !lines.isEmpty else {
            screen.put(emptyText(state), x: body.x + 2, y: body.y, role: .muted, clip: body)
            return
        }
        let total = lines.count + (state.data?.moreEvents ?? 0)
        // The marker takes the last row when anything is left out.
        let shown = lines.prefix(total > body.height ? body.height - 1 : body.height)
        let nameWidth = min(14, shown.map { DisplayWidth.of($0.endpoint) }.max() ?? 6)
        let vantageWidth = min(12, shown.map { DisplayWidth.of($0.vantage) }.max() ?? 6)
        for (index, line) in shown.enumerated() {
            let y = body.y + index
            var x = screen.put(line.time + " ", x: body.x + 2, y: y, role: .muted, clip: body)
            x = screen.put(DisplayWidth.pad(line.endpoint, to: nameWidth) + " ", x: x, y: y, clip: body)
            x = screen.put(DisplayWidth.pad(line.vantage, to: vantageWidth) + " ", x: x, y: y, role: .muted, clip: body)
            screen.put(line.text, x: x, y: y, role: line.role, clip: body)
        }
        if total > shown.count {
            screen.put("+\(NumberText.count(total - shown.count)) more", x: body.x + 2, y: body.y + shown.count,
                       role: .muted, clip: body)
        }
    }

    /// The breaches lasting now first, then the failing endpoints, then the events with the
    /// starts and ends of past breaches among them, newest first.
    private static func lines(_ state: DashboardState) -> [Line] {
        let episodes = state.data?.analysis?.alerts.episodes ?? []
        // Alerts are over every vantage region together, which the vantage column says.
        let firing = episodes.filter(\.isOngoing).reversed().map { episode in
            Line(time: PanelText.clock(episode.start), endpoint: episode.endpoint, vantage: "alert",
                 text: episode.firingText, role: .alert)
        }
        let failures = (state.data?.failures ?? []).map { failure in
            Line(time: PanelText.clock(failure.latest), endpoint: failure.endpoint, vantage: failure.vantage,
                 text: failure.text, role: .bad)
        }
        var dated = (state.data?.events ?? []).map { event in
            (event.time, Line(time: PanelText.clock(event.time), endpoint: event.endpoint, vantage: event.vantage, text: event.text,
                              role: event.isBad ? .bad : event.kind == .recovered ? .good : event.kind == .cacheFlip ? .text : .warn))
        }
        // Step changes in the real traffic: the provider in the endpoint column, "logs" as
        // where they were seen from.
        for change in state.data?.traffic?.changes ?? [] {
            dated.append((change.since, Line(time: PanelText.clock(change.since), endpoint: PanelText.provider(change.provider),
                                             vantage: "logs", text: change.text, role: change.isWorse ? .warn : .good)))
        }
        for episode in episodes {
            guard let end = episode.end, let recovered = episode.recoveredText else { continue }
            dated.append((episode.start, Line(time: PanelText.clock(episode.start), endpoint: episode.endpoint, vantage: "alert",
                                              text: episode.startedText, role: .bad)))
            dated.append((end, Line(time: PanelText.clock(end), endpoint: episode.endpoint, vantage: "alert",
                                    text: recovered, role: .good)))
        }
        // Stable: events the store ordered keep their order among equal times.
        let events = dated.enumerated().sorted { ($0.element.0, $1.offset) > ($1.element.0, $0.offset) }.map(\.element.1)
        return firing + failures + events
    }

    /// Nothing to list. "Nothing changed" only when nothing failed either: an endpoint that
    /// failed in the window without an event is one whose vantage left before its newest probes.
    private static func emptyText(_ state: DashboardState) -> String {
        guard let analysis = state.data?.analysis else { return "no probes in the window" }
        let window = analysis.window.rawValue
        if analysis.endpoints.contains(where: { $0.failed > 0 }) {
            return "no failure started or ended in \(window), and none is ongoing (errors counted above)"
        }
        return "nothing changed in \(window) (failures starting or ending, status, cache)"
    }

    /// "errors 1h: timeout 3 · http_status 2", or "no errors 1h (420 probes)".
    static func errorSummary(_ state: DashboardState) -> String {
        guard let analysis = state.data?.analysis else { return "" }
        var byClass: [ProbeErrorClass: Int] = [:]
        for summary in analysis.endpoints {
            for error in summary.errors { byClass[error.label, default: 0] += error.count }
        }
        let window = analysis.window.rawValue
        guard !byClass.isEmpty else { return "no errors in \(window) (\(NumberText.count(analysis.probes, "probe")))" }
        let parts = byClass.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \(NumberText.count($0.value))" }
        return "errors in \(window): " + parts.joined(separator: ", ") + " of \(NumberText.count(analysis.probes))"
    }
}
