/// Unicode block sparklines (▁▂▃▄▅▆▇█) on a shared scale, so two endpoints' lines can be
/// compared by eye. A slice whose probes all failed is `×`, a slice with no probes a space:
/// neither may pass for a fast response.
public enum Sparkline {
    public static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static let failure: Character = "×"
    public static let gap: Character = " "

    /// The characters for `points` on `scale`.
    public static func render(_ points: [SparklinePoint], scale: ChartScale) -> String {
        String(points.map { point in
            guard let value = point.p50 else { return point.probes > 0 ? failure : gap }
            return levels[scale.level(value, levels: levels.count)]
        })
    }
}
