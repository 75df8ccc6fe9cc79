import CDNTopCore

/// The events log: errors by class over the window in the rule, then the newest events
/// (failures, recoveries, redirect loops, status changes, cache flips), newest first.
enum EventsPanel {
    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        guard rect.height > 0 else { return }
        PanelText.rule("Events", detail: errorSummary(state), y: rect.y, in: rect, on: &screen)
        let body = rect.rows(1, rect.height - 1)
        let events = state.data?.events ?? []
        guard !events.isEmpty else {
            // Not "no failures": an endpoint failing since before the latest probes changes nothing.
            screen.put("nothing changed in the latest probes (failures starting or ending, status, cache)",
                       x: body.x + 2, y: body.y, role: .muted, clip: body)
            return
        }
        let nameWidth = min(14, events.map { DisplayWidth.of($0.endpoint) }.max() ?? 6)
        let vantageWidth = min(12, events.map { DisplayWidth.of($0.vantage) }.max() ?? 6)
        for (index, event) in events.prefix(body.height).enumerated() {
            let y = body.y + index
            var x = screen.put(PanelText.clock(event.time) + " ", x: body.x + 2, y: y, role: .muted, clip: body)
            x = screen.put(DisplayWidth.pad(event.endpoint, to: nameWidth) + " ", x: x, y: y, clip: body)
            x = screen.put(DisplayWidth.pad(event.vantage, to: vantageWidth) + " ", x: x, y: y, role: .muted, clip: body)
            let role: Role = event.isBad ? .bad : event.kind == .recovered ? .good : event.kind == .cacheFlip ? .text : .warn
            screen.put(event.text, x: x, y: y, role: role, clip: body)
        }
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
