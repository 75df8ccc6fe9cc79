/// Unicode block sparklines (▁▂▃▄▅▆▇█) on a shared scale, so two endpoints' lines can be
/// compared by eye. A slice whose probes all failed is `×`, a slice with no probes a space:
/// neither may pass for a fast response.
public enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static let failure: Character = "×"
    public static let gap: Character = " "

    /// The characters for `points` on the scale `low...high` (milliseconds).
    public static func render(_ points: [SparklinePoint], low: Double, high: Double) -> String {
        String(points.map { point in
            guard let value = point.p50 else { return point.probes > 0 ? failure : gap }
            guard high > low else { return levels[0] }
            let position = (value - low) / (high - low) * Double(levels.count - 1)
            return levels[min(levels.count - 1, max(0, Int(position.rounded())))]
        })
    }

    /// The range of medians across several series: the shared scale.
    public static func scale(_ series: [[SparklinePoint]]) -> (low: Double, high: Double)? {
        let values = series.joined().compactMap(\.p50)
        guard let low = values.min(), let high = values.max() else { return nil }
        return (low, high)
    }
}
