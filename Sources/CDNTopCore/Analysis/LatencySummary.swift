/// Average and percentiles of one latency, in milliseconds, with the sample count behind them.
public struct LatencySummary: Sendable, Hashable {
    public var samples: Int
    public var average: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double

    public init(samples: Int, average: Double, p50: Double, p95: Double, p99: Double) {
        self.samples = samples
        self.average = average
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
    }

    /// Reads a sketch of microseconds; nil when it holds no sample (an endpoint that never
    /// answered has no latency, not a latency of zero).
    public init?(microseconds sketch: QuantileSketch) {
        guard let mean = sketch.mean, let p50 = sketch.quantile(0.5), let p95 = sketch.quantile(0.95),
              let p99 = sketch.quantile(0.99) else { return nil }
        self.init(samples: sketch.count, average: mean / 1000, p50: p50 / 1000, p95: p95 / 1000, p99: p99 / 1000)
    }
}
