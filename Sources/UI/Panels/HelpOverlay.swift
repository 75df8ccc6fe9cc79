/// The `?` overlay: every binding of the key registry, so help never drifts from the keys.
enum HelpOverlay {
    static func draw(in rect: Rect, on screen: inout Screen) {
        let bindings = KeyBindings.all
        let keyWidth = bindings.map { DisplayWidth.of(KeyBindings.keysLabel($0)) }.max() ?? 4
        let textWidth = bindings.map { DisplayWidth.of($0.help) }.max() ?? 20
        guard bindings.count + 5 <= rect.height - 2, keyWidth + textWidth + 7 <= rect.width - 2 else {
            drawCompact(bindings, keyWidth: keyWidth, in: rect, on: &screen)
            return
        }
        let box = Overlay.box(width: keyWidth + textWidth + 7, height: bindings.count + 5, in: rect)
        Overlay.frame(box, title: "Keys", on: &screen)
        for (index, binding) in bindings.enumerated() {
            let y = box.y + 2 + index
            let x = screen.put(DisplayWidth.pad(KeyBindings.keysLabel(binding), to: keyWidth), x: box.x + 2, y: y, role: .key, clip: box)
            screen.put("  " + binding.help, x: x, y: y, role: .overlay, clip: box.inset(dx: 1))
        }
        screen.put("Esc or ? closes", x: box.x + 2, y: box.maxY - 2, role: .muted, clip: box.inset(dx: 1))
    }

    /// Two columns of short descriptions, for screens too small for the sentences: every key
    /// stays listed down to the minimum size.
    private static func drawCompact(_ bindings: [KeyBinding], keyWidth: Int, in rect: Rect, on screen: inout Screen) {
        let shortWidth = bindings.map { DisplayWidth.of($0.short) }.max() ?? 12
        let column = keyWidth + 1 + shortWidth + 2
        let rows = (bindings.count + 1) / 2
        let box = Overlay.box(width: 2 * column + 3, height: rows + 3, in: rect)
        Overlay.frame(box, title: "Keys · Esc closes", on: &screen)
        for (index, binding) in bindings.enumerated() {
            let x = box.x + 2 + (index / rows) * column
            let y = box.y + 1 + index % rows
            let end = screen.put(DisplayWidth.pad(KeyBindings.keysLabel(binding), to: keyWidth), x: x, y: y, role: .key, clip: box.inset(dx: 1))
            screen.put(" " + binding.short, x: end, y: y, role: .overlay, clip: box.inset(dx: 1))
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
