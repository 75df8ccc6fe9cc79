import CDNTopCore
import Foundation

/// The top line: site, window, vantage regions, probes in the window, the last probe's age and
/// the database, so a viewer can judge every figure below ("can this be right?").
enum HeaderPanel {
    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        screen.fill(rect, role: .title)
        var parts: [String] = []
        let data = state.data
        if let site = data?.site {
            let count = data?.sites.count ?? 1
            parts.append(count > 1 ? "\(site) (\((data?.sites.firstIndex(of: site) ?? 0) + 1)/\(count))" : site)
        } else {
            parts.append("no site yet")
        }
        // The figures are the data's: until a new window's data lands, say so.
        let window = data?.window ?? state.view.window
        parts.append("window \(window.rawValue)" + (window != state.view.window ? " (loading \(state.view.window.rawValue)…)" : ""))
        parts.append(NumberText.count(data?.analysis?.probes ?? 0, "probe"))
        if let last = data?.lastProbeAt {
            parts.append("last probe " + PanelText.age(state.now.timeIntervalSince(last)))
        }
        if let agents = data?.analysis?.agents.agents, agents.count > 1, rect.width >= 120 {
            parts.append(NumberText.count(agents.count, "agent"))
        }
        if let vantages = data?.analysis?.vantages, !vantages.isEmpty, rect.width >= 90 {
            let labels = vantages.map(\.label)
            let shown = rect.width >= 160 ? labels.count : 2
            parts.append("from " + labels.prefix(shown).joined(separator: ", ")
                         + (labels.count > shown ? " +\(labels.count - shown)" : ""))
        }
        var x = screen.put(" cdntop ", x: rect.x, y: rect.y, role: .title, clip: rect)
        let badges = badgeText(state)
        let room = rect.maxX - x - DisplayWidth.of(badges)
        var line = parts.joined(separator: " │ ")
        if let path = data?.databasePath, rect.width >= 100 {
            let pathRoom = room - 2 - DisplayWidth.of(line) - 6
            if pathRoom >= 12 { line += " │ db " + leftTruncated(CredentialMask.masked(path), to: pathRoom) }
        }
        x = screen.put("│ " + DisplayWidth.truncate(line, to: max(0, room - 2)), x: x, y: rect.y, role: .title, clip: rect)
        if !badges.isEmpty {
            screen.put(badges, x: rect.maxX - DisplayWidth.of(badges), y: rect.y, role: .badge, clip: rect)
        }
    }

    /// "ALERT 2", "ap-south silent 12 min", "FROZEN", "READ-ONLY", "DB ERROR": states a viewer
    /// must not miss. An agent gone quiet, or behind on delivery, explains figures that look
    /// off; the first such notice is shown, with the count of the others.
    static func badgeText(_ state: DashboardState) -> String {
        var badges: [String] = []
        let firing = state.data?.analysis?.alerts.firing.count ?? 0
        if firing > 0 { badges.append("ALERT \(firing)") }
        let notices = state.data?.analysis?.agents.notices(at: state.now) ?? []
        if let first = notices.first {
            badges.append(first.text + (notices.count > 1 ? " +\(notices.count - 1)" : ""))
        }
        if state.data?.problem != nil { badges.append("DB ERROR") }
        if state.view.frozen { badges.append("FROZEN") }
        if !state.live.probing { badges.append("READ-ONLY") }
        return badges.isEmpty ? "" : " " + badges.joined(separator: " · ") + " "
    }

    /// "…/cdntop/probes.sqlite": the end of a path is the part that tells files apart.
    static func leftTruncated(_ path: String, to columns: Int) -> String {
        guard DisplayWidth.of(path) > columns else { return path }
        return "…" + String(path.suffix(max(0, columns - 1)))
    }
}

/// The bottom line: the main keys from the registry, or a notice (a report's path, an error).
enum FooterPanel {
    static func draw(_ state: DashboardState, in rect: Rect, on screen: inout Screen) {
        screen.fill(rect, role: .footer)
        var x = rect.x + 1
        if let notice = state.notice, notice.until > state.now {
            screen.put(notice.text, x: x, y: rect.y, role: notice.isProblem ? .bad : .busy, clip: rect)
            return
        }
        if state.view.editingFilter {
            x = screen.put("/ filter: ", x: x, y: rect.y, role: .key, clip: rect)
            x = screen.put(state.view.filter + "▏", x: x, y: rect.y, role: .footer, clip: rect)
            screen.put("  Enter keeps it · Esc clears it", x: x, y: rect.y, role: .muted, clip: rect)
            return
        }
        if let problem = state.data?.problem {
            screen.put("database: " + problem, x: x, y: rect.y, role: .bad, clip: rect)
            return
        }
        // Help and quit are always there; the other keys as many as fit, in registry order.
        let always: Set<Command> = [.toggleHelp, .quit]
        let entries = KeyBindings.all.compactMap { binding -> (Command, String, String)? in
            guard let word = binding.footer else { return nil }
            return (binding.command, binding.command == .selectNext ? "↑↓" : KeyBindings.keysLabel(binding), word)
        }
        func width(_ entry: (Command, String, String)) -> Int { DisplayWidth.of(entry.1) + DisplayWidth.of(entry.2) + 3 }
        var room = rect.width - 1 - entries.filter { always.contains($0.0) }.reduce(0) { $0 + width($1) }
        for entry in entries {
            if !always.contains(entry.0) {
                guard width(entry) <= room else { continue }
                room -= width(entry)
            }
            x = screen.put(entry.1, x: x, y: rect.y, role: .key, clip: rect)
            x = screen.put(" " + entry.2 + "  ", x: x, y: rect.y, role: .footer, clip: rect)
        }
    }
}

/// Shown instead of a garbled layout when the terminal is below the minimum; the app redraws
/// normally as soon as it is enlarged.
enum TooSmallPanel {
    static func draw(width: Int, height: Int, minimum: (width: Int, height: Int), on screen: inout Screen) {
        let lines = ["terminal too small", "(need \(minimum.width)x\(minimum.height),", "have \(width)x\(height))"]
        let top = max(0, (height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            screen.put(line, x: max(0, (width - DisplayWidth.of(line)) / 2), y: top + index, role: index == 0 ? .bad : .text)
        }
    }
}
