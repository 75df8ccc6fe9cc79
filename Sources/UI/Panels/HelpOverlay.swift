/// The `?` overlay: every binding of the key registry, so help never drifts from the keys,
/// then the legend: what the symbols, colours and counts on screen mean.
enum HelpOverlay {
    /// Symbol, then its meaning in full and in a few words for small screens.
    static let legend: [(symbol: String, long: String, short: String)] = [
        ("▁…█", "median TTFB of a time slice, on the scale printed in the Endpoints rule", "median TTFB of a slice"),
        ("×", "every probe failed (in that slice, or the last probe)", "every probe failed"),
        ("blank", "no probe in that slice: a gap is not a zero", "no probe in the slice"),
        ("—", "no figure: nothing measured in the window", "no figure"),
        ("?", "provider not recognised from the headers", "provider unknown"),
        ("n", "successful probes behind the latency figures; ok/all when some failed", "successful probes (ok/all)"),
        ("+N more", "rows a panel could not show; ←N / +N → columns scrolled off", "rows or columns not shown"),
        ("colours", "green: hit, fast or recovered · yellow: a miss or some failures · red: failed or slower than origin · underlined: fastest in its row",
         "green good · yellow miss · red failed"),
    ]

    static func draw(in rect: Rect, on screen: inout Screen) {
        let bindings = KeyBindings.all
        let keyWidth = max(bindings.map { DisplayWidth.of(KeyBindings.keysLabel($0)) }.max() ?? 4,
                           legend.map { DisplayWidth.of($0.symbol) }.max() ?? 4)
        let textWidth = max(bindings.map { DisplayWidth.of($0.help) }.max() ?? 20,
                            legend.map { DisplayWidth.of($0.long) }.max() ?? 20)
        let height = bindings.count + legend.count + 7
        guard height <= rect.height - 2, keyWidth + textWidth + 7 <= rect.width - 2 else {
            drawCompact(bindings, in: rect, on: &screen)
            return
        }
        let box = Overlay.box(width: keyWidth + textWidth + 7, height: height, in: rect)
        Overlay.frame(box, title: "Keys", on: &screen)
        var y = box.y + 2
        for binding in bindings {
            line(KeyBindings.keysLabel(binding), binding.help, role: .key, keyWidth: keyWidth, y: y, in: box, on: &screen)
            y += 1
        }
        y += 1
        screen.put("Legend", x: box.x + 2, y: y, role: .section, clip: box.inset(dx: 1))
        for entry in legend {
            y += 1
            line(entry.symbol, entry.long, role: .muted, keyWidth: keyWidth, y: y, in: box, on: &screen)
        }
        screen.put("Esc closes (or ?)", x: box.x + 2, y: box.maxY - 2, role: .muted, clip: box.inset(dx: 1))
    }

    private static func line(_ key: String, _ text: String, role: Role, keyWidth: Int, y: Int, in box: Rect,
                             on screen: inout Screen) {
        let x = screen.put(DisplayWidth.pad(key, to: keyWidth), x: box.x + 2, y: y, role: role, clip: box)
        screen.put("  " + text, x: x, y: y, role: .overlay, clip: box.inset(dx: 1))
    }

    /// Two columns of short descriptions, for screens too small for the sentences: every key
    /// stays listed down to the minimum size, and the legend follows, a line each, where rows
    /// are left.
    private static func drawCompact(_ bindings: [KeyBinding], in rect: Rect, on screen: inout Screen) {
        let keyWidth = bindings.map { DisplayWidth.of(KeyBindings.keysLabel($0)) }.max() ?? 4
        let shortWidth = bindings.map { DisplayWidth.of($0.short) }.max() ?? 12
        let column = keyWidth + 1 + shortWidth + 2
        let rows = (bindings.count + 1) / 2
        let legendRows = min(legend.count, max(0, rect.height - 2 - (rows + 3) - 1))
        let box = Overlay.box(width: 2 * column + 3, height: rows + 3 + (legendRows > 0 ? legendRows + 1 : 0), in: rect)
        Overlay.frame(box, title: "Keys · Esc closes", on: &screen)
        let inner = box.inset(dx: 1)
        for (index, binding) in bindings.enumerated() {
            let x = box.x + 2 + (index / rows) * column
            let y = box.y + 1 + index % rows
            let end = screen.put(DisplayWidth.pad(KeyBindings.keysLabel(binding), to: keyWidth), x: x, y: y, role: .key, clip: inner)
            screen.put(" " + binding.short, x: end, y: y, role: .overlay, clip: inner)
        }
        let symbolWidth = legend.map { DisplayWidth.of($0.symbol) }.max() ?? 4
        for (index, entry) in legend.prefix(legendRows).enumerated() {
            let y = box.y + 2 + rows + index
            let end = screen.put(DisplayWidth.pad(entry.symbol, to: symbolWidth), x: box.x + 2, y: y, role: .muted, clip: inner)
            screen.put("  " + entry.short, x: end, y: y, role: .overlay, clip: inner)
        }
    }
}

/// Boxes drawn over the dashboard.
enum Overlay {
    /// A box of at most `width`×`height`, centred in `rect`.
    static func box(width: Int, height: Int, in rect: Rect) -> Rect {
        let w = min(width, rect.width - 2), h = min(height, rect.height - 2)
        return Rect(x: rect.x + (rect.width - w) / 2, y: rect.y + (rect.height - h) / 2, width: w, height: h)
    }

    static func frame(_ box: Rect, title: String, on screen: inout Screen) {
        screen.fill(box, role: .overlay)
        guard box.width >= 2, box.height >= 2 else { return }
        let inner = String(repeating: "─", count: box.width - 2)
        screen.put("┌" + inner + "┐", x: box.x, y: box.y, role: .overlay)
        screen.put("└" + inner + "┘", x: box.x, y: box.maxY - 1, role: .overlay)
        for y in box.y + 1..<box.maxY - 1 {
            screen.put("│", x: box.x, y: y, role: .overlay)
            screen.put("│", x: box.maxX - 1, y: y, role: .overlay)
        }
        screen.put(" \(title) ", x: box.x + 2, y: box.y, role: .section, clip: box.inset(dx: 1))
    }
}
