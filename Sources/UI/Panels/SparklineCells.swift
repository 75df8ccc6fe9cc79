import CDNTopCore

/// Draws a TTFB chart into cells, one or more rows tall: blocks (▁…█, eight levels a row) or
/// braille (two slices per character, four levels a row). A slice whose probes all failed is
/// a `×` in the failure role on the bottom row, a slice without probes stays blank: neither
/// may pass for a fast response. A taller chart is the same chart with finer levels, so a
/// recording shows small differences that eight levels round away.
enum SparklineCells {
    /// Draws `points` in `rect`, the newest slice at the right edge, on the shared `scale`.
    /// Blocks spread a chart with fewer slices than columns over the whole width (a slice is
    /// one or two columns wide, oldest on the left), so every chart of a window spans the same
    /// time; braille packs two slices per character, newest right-aligned.
    static func draw(_ points: [SparklinePoint], braille: Bool, scale: ChartScale?, in rect: Rect, on screen: inout Screen) {
        guard rect.width > 0, rect.height > 0, !points.isEmpty else { return }
        if braille {
            drawBraille(Array(points.suffix(rect.width * 2)), scale: scale, in: rect, on: &screen)
            return
        }
        let shown = Array(points.suffix(rect.width))
        let width = shown.count < rect.width ? rect.width : shown.count
        for column in 0..<width {
            let point = shown[column * shown.count / width]
            for row in 0..<rect.height {
                let (character, role) = blockCell(point, row: rect.height - 1 - row, rows: rect.height, scale: scale)
                screen.put(String(character), x: rect.x + column, y: rect.y + row, role: role, clip: rect)
            }
        }
    }

    private static func drawBraille(_ shown: [SparklinePoint], scale: ChartScale?, in rect: Rect, on screen: inout Screen) {
        let characters = (shown.count + 1) / 2
        var column = rect.maxX - characters
        // With an odd count the oldest character has only its right half.
        var index = shown.count % 2 == 0 ? 0 : -1
        while index < shown.count {
            let pair = [index >= 0 ? shown[index] : nil, shown[index + 1]]
            for row in 0..<rect.height {
                let (character, role) = brailleCell(pair, row: rect.height - 1 - row, rows: rect.height, scale: scale)
                screen.put(String(character), x: column, y: rect.y + row, role: role, clip: rect)
            }
            column += 1
            index += 2
        }
    }

    /// How much of row `row` (0 = bottom) a value fills, in `levelsPerRow` steps (0…levelsPerRow).
    static func fill(_ value: Double, row: Int, rows: Int, levelsPerRow: Int, scale: ChartScale?) -> Int {
        let total = (scale?.level(value, levels: rows * levelsPerRow) ?? 0) + 1
        return min(levelsPerRow, max(0, total - row * levelsPerRow))
    }

    private static func blockCell(_ point: SparklinePoint, row: Int, rows: Int, scale: ChartScale?) -> (Character, Role) {
        guard let value = point.p50 else {
            return point.probes > 0 && row == 0 ? (Sparkline.failure, .sparkFailure) : (Sparkline.gap, .muted)
        }
        let filled = fill(value, row: row, rows: rows, levelsPerRow: Sparkline.levels.count, scale: scale)
        guard filled > 0 else { return (Sparkline.gap, .spark) }
        return (Sparkline.levels[filled - 1], point.failed > 0 ? .warn : .spark)
    }

    /// Braille dots, left column for the older slice, right for the newer, filled from the
    /// bottom: dots 7/8 are the bottom row, then 3/6, 2/5, 1/4.
    private static func brailleCell(_ pair: [SparklinePoint?], row: Int, rows: Int, scale: ChartScale?) -> (Character, Role) {
        if row == 0, pair.contains(where: { $0.map { $0.p50 == nil && $0.probes > 0 } ?? false }) {
            return (Sparkline.failure, .sparkFailure)
        }
        let leftDots: [UInt32] = [0x40, 0x04, 0x02, 0x01]
        let rightDots: [UInt32] = [0x80, 0x20, 0x10, 0x08]
        var bits: UInt32 = 0
        for (side, point) in pair.enumerated() {
            guard let value = point?.p50 else { continue }
            let height = fill(value, row: row, rows: rows, levelsPerRow: 4, scale: scale)
            for dot in 0..<height { bits |= (side == 0 ? leftDots : rightDots)[dot] }
        }
        guard bits != 0, let scalar = Unicode.Scalar(0x2800 + bits) else { return (Sparkline.gap, .muted) }
        let warned = pair.contains { ($0?.failed ?? 0) > 0 }
        return (Character(scalar), warned ? .warn : .spark)
    }
}
