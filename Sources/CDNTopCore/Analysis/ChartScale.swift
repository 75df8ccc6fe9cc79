/// The millisecond range a latency chart's lowest and highest levels stand for, shared by every
/// endpoint of a chart so lines can be compared by eye.
///
/// Bounds are round numbers (50, 300, 1,500 ms) just outside the data, and a chart that keeps
/// its scale (`keeping(_:)`) only moves it when a value leaves it: a scale refitted to every
/// refresh's extremes made unchanged bars grow and shrink as one slow slice came and went.
public struct ChartScale: Sendable, Hashable {
    public let low: Double
    public let high: Double

    /// Round steps within a decade, for bounds people read at a glance.
    static let steps: [Double] = [1, 1.5, 2, 3, 4, 5, 6, 8, 10]

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// The round scale around the medians of `series`, nil when no slice has one.
    public init?(fitting series: [[SparklinePoint]]) {
        let values = series.joined().compactMap(\.p50)
        guard let low = values.min(), let high = values.max() else { return nil }
        self.init(low: Self.roundDown(low), high: max(Self.roundUp(high), Self.roundDown(low) + 1))
    }

    public func contains(_ series: [[SparklinePoint]]) -> Bool {
        series.joined().compactMap(\.p50).allSatisfy { $0 >= low && $0 <= high }
    }

    /// This scale while every median of `series` stays inside it, else a new round fit.
    public func keeping(_ series: [[SparklinePoint]]) -> ChartScale {
        contains(series) ? self : ChartScale(fitting: series) ?? self
    }

    /// The level (0 = lowest) of `value` among `levels` levels.
    public func level(_ value: Double, levels: Int) -> Int {
        guard high > low, levels > 1 else { return 0 }
        let position = (value - low) / (high - low) * Double(levels - 1)
        return min(levels - 1, max(0, Int(position.rounded())))
    }

    /// "▁ 50 ms … █ 300 ms": the legend printed beside every chart.
    public var legend: String {
        "\(Sparkline.levels[0]) \(NumberText.milliseconds(low)) ms … \(Sparkline.levels[Sparkline.levels.count - 1]) \(NumberText.milliseconds(high)) ms"
    }

    /// The largest round number at or below `value` (0 stays 0).
    static func roundDown(_ value: Double) -> Double {
        guard value > 0 else { return 0 }
        let decade = pow10(value)
        return (steps.last { $0 * decade <= value * (1 + 1e-9) } ?? 1) * decade
    }

    /// The smallest round number at or above `value`.
    static func roundUp(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let decade = pow10(value)
        return (steps.first { $0 * decade >= value * (1 - 1e-9) } ?? 10) * decade
    }

    /// The power of ten at or below `value`.
    private static func pow10(_ value: Double) -> Double {
        var decade = 1.0
        while decade * 10 <= value { decade *= 10 }
        while decade > value { decade /= 10 }
        return decade
    }
}
