import Foundation

/// Timing helpers: every figure is printed as the median of several runs with min and max.
struct Measuring {
    let runs: Int

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Median, min and max of `runs` runs of `body`, in milliseconds.
    func milliseconds(runs: Int? = nil, _ body: () throws -> Void) rethrows -> Spread {
        var times: [Double] = []
        for _ in 0..<(runs ?? self.runs) { times.append(try Self.seconds(body) * 1000) }
        return Spread(times)
    }
}

/// A median with its min and max.
struct Spread {
    let median: Double
    let low: Double
    let high: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        median = sorted[sorted.count / 2]
        low = sorted.first!
        high = sorted.last!
    }

    /// "12.3 ms (12.0–13.1)", or in µs.
    func formatted(_ unit: String = "ms", decimals: Int = 1) -> String {
        let format = "%.\(decimals)f"
        return "\(String(format: format, median)) \(unit) (\(String(format: format, low))–\(String(format: format, high)))"
    }
}

/// One row of the markdown table the benchmark prints.
func row(_ cells: String...) { print("| " + cells.joined(separator: " | ") + " |") }
