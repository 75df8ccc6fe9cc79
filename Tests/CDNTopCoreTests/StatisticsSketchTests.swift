import CDNTopCore
import Foundation
import TestSupport
import Testing

/// Shapes of data a latency sketch meets, as whole microseconds like the store feeds it.
enum SketchSampleShape: String, CaseIterable, CustomTestStringConvertible {
    case uniform, logNormal, heavyTail, withZeros, constant, tiny

    var testDescription: String { rawValue }

    func values(count: Int, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            switch self {
            case .uniform:
                Double(Int.random(in: 1...2_000_000, using: &random))
            case .logNormal:
                // Box–Muller: a normal in log space, centred on ~150 ms.
                (exp(log(150_000) + 0.8 * normal(&random))).rounded()
            case .heavyTail:
                // Pareto: mostly tens of ms, sometimes seconds, as a CDN miss path looks.
                (20_000 / pow(Double.random(in: 0.0001...1, using: &random), 0.9)).rounded()
            case .withZeros:
                Bool.random(using: &random) ? 0 : Double(Int.random(in: 1...500, using: &random))
            case .constant:
                42_000
            case .tiny:
                Double.random(in: 0.000_01...0.5, using: &random)
            }
        }
    }

    private func normal(_ random: inout SeededGenerator) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne...1, using: &random)
        let u2 = Double.random(in: 0...1, using: &random)
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }
}

private let checkedQuantiles = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

/// The documented bound: relative error α against the exact nearest-rank quantile, plus rounding
/// slack, and absolute error below the zero threshold for values counted as zero.
private func expectWithinBound(_ sketch: QuantileSketch, of values: [Double],
                               sourceLocation: SourceLocation = #_sourceLocation) {
    let sorted = values.sorted()
    for q in checkedQuantiles {
        let exact = sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
        let estimate = sketch.quantile(q)!
        let allowed = max(QuantileSketch.relativeAccuracy * exact * (1 + 1e-9), QuantileSketch.zeroThreshold)
        #expect(abs(estimate - exact) <= allowed, "q=\(q): estimate \(estimate), exact \(exact)",
                sourceLocation: sourceLocation)
    }
}

@Suite("QuantileSketch")
struct StatisticsSketchTests {
    @Test("quantiles stay within the documented relative error", arguments: SketchSampleShape.allCases)
    func quantilesWithinBound(distribution: SketchSampleShape) {
        for (count, seed) in [(1, 1), (7, 2), (1000, 3), (50_000, 4)] as [(Int, UInt64)] {
            let values = distribution.values(count: count, seed: seed)
            expectWithinBound(QuantileSketch(values), of: values)
        }
    }

    @Test("count, min, max and sum are exact", arguments: SketchSampleShape.allCases)
    func exactSummary(distribution: SketchSampleShape) {
        let values = distribution.values(count: 10_000, seed: 11)
        let sketch = QuantileSketch(values)
        #expect(sketch.count == values.count)
        #expect(sketch.min == values.min())
        #expect(sketch.max == values.max())
        #expect(sketch.quantile(0) == values.min())
        #expect(sketch.quantile(1) == values.max())
        if distribution != .tiny {  // integers: the Double sum is exact
            #expect(sketch.sum == values.reduce(0, +))
        }
    }

    @Test("an empty sketch has no quantiles, min, max or mean")
    func empty() {
        let sketch = QuantileSketch()
        #expect(sketch.count == 0)
        #expect(sketch.quantile(0.5) == nil)
        #expect(sketch.min == nil && sketch.max == nil && sketch.mean == nil)
        #expect(QuantileSketch([]) == sketch)
    }

    @Test("negative values count as zero")
    func negativeValues() {
        let sketch = QuantileSketch([-5, 10])
        #expect(sketch.min == 0)
        #expect(sketch.quantile(0.25) == 0)
        #expect(sketch.sum == 10)
    }

    @Test("merging equals sketching the union", arguments: SketchSampleShape.allCases)
    func mergeEqualsUnion(distribution: SketchSampleShape) {
        let parts = (0..<24).map { distribution.values(count: 200 + $0 * 37, seed: 100 + UInt64($0)) }
        var merged = QuantileSketch()
        for part in parts {
            merged.merge(QuantileSketch(part))
        }
        let all = parts.flatMap { $0 }
        let direct = QuantileSketch(all)
        #expect(merged.count == direct.count)
        for q in checkedQuantiles {
            #expect(merged.quantile(q) == direct.quantile(q))
        }
        if distribution != .tiny {
            #expect(merged == direct)  // integer sums: bit-identical
        }
        expectWithinBound(merged, of: all)
    }

    @Test("merging with an empty sketch changes nothing")
    func mergeEmpty() {
        var sketch = QuantileSketch([3, 5, 8])
        let before = sketch
        sketch.merge(QuantileSketch())
        #expect(sketch == before)
        var empty = QuantileSketch()
        empty.merge(before)
        #expect(empty == before)
    }

    @Test("serialization round-trips", arguments: SketchSampleShape.allCases)
    func serializationRoundTrip(distribution: SketchSampleShape) throws {
        let sketch = QuantileSketch(distribution.values(count: 5000, seed: 21))
        let restored = try QuantileSketch(serialized: sketch.serialized)
        #expect(restored == sketch)
        #expect(try QuantileSketch(serialized: QuantileSketch().serialized) == QuantileSketch())
    }

    @Test("far-apart values are written sparsely")
    func sparseLayout() throws {
        let sketch = QuantileSketch([1, 1000, 1_000_000])  // 3 bins occupied in a range of ~700
        #expect(try QuantileSketch(serialized: sketch.serialized) == sketch)
        #expect(sketch.serialized.count < 40)
    }

    @Test("close values are written densely")
    func denseLayout() throws {
        let sketch = QuantileSketch(stride(from: 1000.0, to: 2000, by: 3))  // ~35 bins, all occupied
        #expect(try QuantileSketch(serialized: sketch.serialized) == sketch)
        #expect(sketch.serialized.count < 16 + 40)
    }

    @Test("serialized sketches are compact")
    func compactness() {
        #expect(QuantileSketch([150_000]).serialized.count <= 20)
        let latencies = SketchSampleShape.logNormal.values(count: 1440, seed: 5)
        let sketch = QuantileSketch(latencies)
        // One byte per bin for small counts, two for larger ones, plus a small header.
        #expect(sketch.serialized.count < 600, "\(sketch.serialized.count) bytes")
    }

    @Test("merging from serialized bytes equals merging the sketch")
    func mergeReading() throws {
        let first = QuantileSketch(SketchSampleShape.uniform.values(count: 300, seed: 8))
        let second = QuantileSketch(SketchSampleShape.heavyTail.values(count: 300, seed: 9))
        var writer = BinaryWriter()
        first.write(to: &writer)
        second.write(to: &writer)
        var reader = BinaryReader(writer.bytes)
        var fromBytes = QuantileSketch()
        try fromBytes.merge(reading: &reader)
        try fromBytes.merge(reading: &reader)
        #expect(reader.isAtEnd)
        var direct = first
        direct.merge(second)
        #expect(fromBytes == direct)
    }

    @Test("damaged bytes are refused, not trusted")
    func damagedBytes() {
        let bytes = QuantileSketch([1, 2, 3, 1000]).serialized
        #expect(throws: BinaryDecodingError.truncated) { try QuantileSketch(serialized: Array(bytes.dropLast())) }
        var wrongVersion = bytes
        wrongVersion[0] = 99
        #expect(throws: BinaryDecodingError.self) { try QuantileSketch(serialized: wrongVersion) }
        var wrongCount = bytes
        wrongCount[1] = 5  // says five values, bins hold four
        #expect(throws: BinaryDecodingError.self) { try QuantileSketch(serialized: wrongCount) }
        #expect(throws: BinaryDecodingError.self) { try QuantileSketch(serialized: bytes + [0]) }
    }

    @Test("varints and zigzag round-trip at the edges")
    func binaryCoding() throws {
        var writer = BinaryWriter()
        let unsigned: [UInt64] = [0, 1, 127, 128, 300, 1 << 35, .max]
        let signed: [Int64] = [0, -1, 1, -64, 64, .min, .max]
        unsigned.forEach { writer.write(varint: $0) }
        signed.forEach { writer.write(signed: $0) }
        writer.write(double: -0.125)
        writer.write(string: "cache-fra-EDDF ✓")
        var reader = BinaryReader(writer.bytes)
        #expect(try unsigned.map { _ in try reader.readVarint() } == unsigned)
        #expect(try signed.map { _ in try reader.readSigned() } == signed)
        #expect(try reader.readDouble() == -0.125)
        #expect(try reader.readString() == "cache-fra-EDDF ✓")
        #expect(reader.isAtEnd)
        #expect(throws: BinaryDecodingError.truncated) { try reader.readByte() }
    }
}

@Suite("QuantileSketch on small samples")
struct StatisticsSketchSmallSampleTests {
    /// A short window or a single region holds few probes: the tail must be one that was seen.
    @Test func tailsAreNearestRankAndExactAtTheExtremes() {
        let two = QuantileSketch([100_000, 300_000])
        #expect(two.quantile(0.5) == 100_000)
        #expect(two.quantile(0.95) == 300_000)
        let four = QuantileSketch([40_000, 50_000, 60_000, 70_000])
        #expect(four.quantile(0.99) == 70_000)
        #expect(four.quantile(0.25) == 40_000)
        let median = four.quantile(0.5)!
        #expect(abs(median - 50_000) <= 500)
    }
}
