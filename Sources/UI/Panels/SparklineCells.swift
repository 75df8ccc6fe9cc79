import CDNTopCore

/// Draws a TTFB sparkline into cells: blocks (▁…█, one slice per character) or braille (two
/// slices per character, four levels each). A slice whose probes all failed is a `×` in the
/// failure role, a slice without probes a blank: neither may pass for a fast response.
enum SparklineCells {
    private static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Draws the newest `width` characters' worth of `points`, right-aligned so "now" is
    /// always at the right edge, on the shared scale `low...high`.
    static func draw(_ points: [SparklinePoint], braille: Bool, scale: (low: Double, high: Double)?,
                     x: Int, y: Int, width: Int, on screen: inout Screen) {
        guard width > 0 else { return }
        let perCharacter = braille ? 2 : 1
        let shown = Array(points.suffix(width * perCharacter))
        let characters = (shown.count + perCharacter - 1) / perCharacter
        var column = x + width - characters
        var index = shown.count % perCharacter == 0 ? 0 : -1
        while index < shown.count {
            let pair = braille ? [index >= 0 ? shown[index] : nil, shown[index + 1]] : [shown[index]]
            let (character, role) = braille ? brailleCell(pair, scale: scale) : blockCell(shown[index], scale: scale)
            screen.put(String(character), x: column, y: y, role: role)
            column += 1
            index += perCharacter
        }
    }

    static func level(_ value: Double, scale: (low: Double, high: Double)?, levels: Int) -> Int {
        guard let scale, scale.high > scale.low else { return 0 }
        let position = (value - scale.low) / (scale.high - scale.low) * Double(levels - 1)
        return min(levels - 1, max(0, Int(position.rounded())))
    }

    private static func blockCell(_ point: SparklinePoint, scale: (low: Double, high: Double)?) -> (Character, Role) {
        guard let value = point.p50 else {
            return point.probes > 0 ? (Sparkline.failure, .sparkFailure) : (Sparkline.gap, .muted)
        }
        return (blocks[level(value, scale: scale, levels: blocks.count)], point.failed > 0 ? .warn : .spark)
    }

    /// Braille dots, left column for the older slice, right for the newer, filled from the
    /// bottom: dots 7/8 are the bottom row, then 3/6, 2/5, 1/4.
    private static func brailleCell(_ pair: [SparklinePoint?], scale: (low: Double, high: Double)?) -> (Character, Role) {
        if pair.contains(where: { $0.map { $0.p50 == nil && $0.probes > 0 } ?? false }) {
            return (Sparkline.failure, .sparkFailure)
        }
        let leftDots: [UInt32] = [0x40, 0x04, 0x02, 0x01]
        let rightDots: [UInt32] = [0x80, 0x20, 0x10, 0x08]
        var bits: UInt32 = 0
        for (side, point) in pair.enumerated() {
            guard let value = point?.p50 else { continue }
            let height = level(value, scale: scale, levels: 4) + 1
            for row in 0..<height { bits |= (side == 0 ? leftDots : rightDots)[row] }
        }
        guard bits != 0, let scalar = Unicode.Scalar(0x2800 + bits) else { return (Sparkline.gap, .muted) }
        let warned = pair.contains { ($0?.failed ?? 0) > 0 }
        return (Character(scalar), warned ? .warn : .spark)
    }
}
