import CDNTopCore
import Foundation

/// Small pieces every panel draws the same way.
enum PanelText {
    /// A section rule: "─ Title · detail ─────────", the title in `section`, the rest in `rule`.
    static func rule(_ title: String, detail: String? = nil, y: Int, in rect: Rect, on screen: inout Screen) {
        var x = screen.put("─ ", x: rect.x, y: y, role: .rule, clip: rect)
        x = screen.put(title, x: x, y: y, role: .section, clip: rect)
        if let detail, !detail.isEmpty {
            x = screen.put(" · " + detail, x: x, y: y, role: .muted, clip: rect)
        }
        x = screen.put(" ", x: x, y: y, role: .rule, clip: rect)
        if x < rect.maxX {
            screen.put(String(repeating: "─", count: rect.maxX - x), x: x, y: y, role: .rule, clip: rect)
        }
    }

    /// "+3 more (2 above, 1 below)": the line a panel ends with when it cannot show every row,
    /// so nothing leaves the screen without saying so.
    static func more(_ count: Int, detail: String = "", y: Int, in rect: Rect, on screen: inout Screen) {
        guard count > 0 else { return }
        screen.put("+\(NumberText.count(count)) more" + (detail.isEmpty ? "" : " (\(detail))"),
                   x: rect.x + 2, y: y, role: .muted, clip: rect)
    }

    /// "12 s ago", "4 min ago", "3 h ago": the age of the last round at a glance.
    static func age(_ seconds: Double) -> String {
        let value = max(0, seconds)
        if value < 90 { return "\(Int(value)) s ago" }
        if value < 90 * 60 { return "\(Int(value / 60)) min ago" }
        if value < 48 * 3600 { return "\(Int(value / 3600)) h ago" }
        return "\(Int(value / 86_400)) d ago"
    }

    /// "1 min", "12 min", "2 h": what one sparkline character covers.
    static func span(_ seconds: Double) -> String {
        if seconds < 60 { return "\(NumberText.fixed(seconds, decimals: seconds < 10 ? 1 : 0)) s" }
        if seconds < 3600 { return "\(NumberText.fixed(seconds / 60, decimals: seconds < 600 && seconds.truncatingRemainder(dividingBy: 60) != 0 ? 1 : 0)) min" }
        if seconds < 86_400 { return "\(NumberText.fixed(seconds / 3600, decimals: seconds.truncatingRemainder(dividingBy: 3600) != 0 ? 1 : 0)) h" }
        return "\(NumberText.fixed(seconds / 86_400, decimals: 0)) d"
    }

    /// "19:22:03" in UTC: events and probes are stored in UTC, and reports say UTC too.
    static func clock(_ date: Date) -> String {
        EventClock.text(date)
    }

    /// Milliseconds for a table cell: "53", "4.2", or "—" when there is no figure.
    static func ms(_ value: Double?) -> String {
        value.map(NumberText.milliseconds) ?? "—"
    }

    /// The provider as a person reads it.
    static func provider(_ provider: Provider?) -> String {
        provider?.displayName ?? "?"
    }
}
