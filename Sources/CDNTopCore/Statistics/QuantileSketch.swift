import Foundation

/// A mergeable summary of non-negative values that answers percentile queries with a bounded
/// *relative* error: the DDSketch construction (Masson, Rim & Lee, VLDB 2019).
///
/// Why a sketch: a window's p50/p95 cannot be derived from per-minute or per-hour means, and
/// keeping every raw value of a month would make each window query scan millions of rows.
/// Sketches of adjacent buckets merge into the sketch of the whole window with no loss beyond
/// the bound below, so rollups can store one per bucket.
///
/// How: value `x` is counted in bin `i = ⌈log_γ x⌉`, with `γ = (1 + α) / (1 − α)` and
/// `α = relativeAccuracy`. Every value of bin `i` lies in `(γ^(i−1), γ^i]`, and the bin is
/// reported as `2γ^i / (γ + 1)`, which is within a factor `1 ± α` of each of them.
///
/// **Error bound.** For `n ≥ 1` values and any `q` in `[0, 1]`, `quantile(q)` returns `v` with
/// `|v − x| ≤ α·x` (α = 1%), where `x` is the exact nearest-rank quantile: the value of rank
/// `⌈q·n⌉ − 1` (0-based) in sorted order, so a tail is never reported below one observed. When
/// that rank falls in the bin of the minimum or maximum, the exact extreme is returned. Values below `zeroThreshold` are counted as 0, so
/// for them the error is absolute and below `zeroThreshold`. `quantile(0)` and `quantile(1)`
/// are the exact minimum and maximum. `count`, `min` and `max` are exact; `sum` is a `Double`
/// sum, exact for integer values (such as microseconds) whose total stays below 2^53.
///
/// **Zeros.** A value of 0 (a TLS phase over plain HTTP, a DNS phase skipped for an IP
/// literal) has no logarithm, so it goes to a bin of its own and is reported as exactly 0:
/// the median of a sketch holding mostly zeros is 0, not nil and not a tiny positive number.
/// Only an empty sketch answers nil.
///
/// **Size.** One bin per factor γ ≈ 1.0202 between the smallest and largest value: latencies
/// from 1 µs to 100 s need at most about 920 bins, and a typical spread of 10× about 115. The
/// serialized form writes the occupied range as varints (usually one byte per bin).
public struct QuantileSketch: Sendable, Hashable {
    /// The guaranteed relative accuracy α. Part of the stored format: changing it makes
    /// previously stored sketches unreadable, hence a constant rather than a parameter.
    public static let relativeAccuracy = 0.01
    /// Positive values below this are counted as zero instead of opening ever more bins
    /// towards zero (one per factor γ).
    public static let zeroThreshold = 1e-6

    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = log(gamma)

    public private(set) var count = 0
    public private(set) var sum = 0.0
    private var minimum = Double.infinity
    private var maximum = -Double.infinity
    /// Values below `zeroThreshold`.
    private var zeroCount = 0
    /// The bin index of `bins[0]`; bins outside the array are empty.
    private var firstIndex = 0
    /// Counts of consecutive bins; the first and last are non-zero unless the array is empty.
    private var bins: [Int] = []

    public init() {}

    /// Builds a sketch of `values`.
    public init(_ values: some Sequence<Double>) {
        for value in values {
            add(value)
        }
    }

    /// The smallest value added, nil when empty.
    public var min: Double? { count > 0 ? minimum : nil }
    /// The largest value added, nil when empty.
    public var max: Double? { count > 0 ? maximum : nil }
    /// The arithmetic mean, nil when empty.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Adds one value. Negative values are counted as zero (durations cannot be negative; a
    /// clock step must not make a sketch unusable), and non-finite ones are a caller bug.
    public mutating func add(_ value: Double) {
        precondition(value.isFinite, "QuantileSketch takes finite values, got \(value)")
        let value = Swift.max(value, 0)
        count += 1
        sum += value
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        if value < Self.zeroThreshold {
            zeroCount += 1
        } else {
            addToBin(Self.binIndex(of: value), count: 1)
        }
    }

    /// Adds every value of `other`, as if they had been added to this sketch.
    public mutating func merge(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        mergeSummary(count: other.count, sum: other.sum, minimum: other.minimum,
                     maximum: other.maximum, zeroCount: other.zeroCount)
        guard !other.bins.isEmpty else { return }
        reserveBins(from: other.firstIndex, through: other.firstIndex + other.bins.count - 1)
        let offset = other.firstIndex - firstIndex
        for (position, binCount) in other.bins.enumerated() {
            bins[offset + position] += binCount
        }
    }

    /// The value at quantile `q` (0 ≤ q ≤ 1) within the error bound in the type's
    /// documentation, or nil when the sketch is empty.
    public func quantile(_ q: Double) -> Double? {
        precondition((0...1).contains(q), "quantile \(q) outside 0...1")
        guard count > 0 else { return nil }
        if q == 0 { return minimum }
        if q == 1 { return maximum }
        // Nearest rank: the smallest value with at least q of the samples at or below it. It
        // never reports a tail lower than one observed (p95 of {100, 300} is 300, not 100),
        // which matters for the small samples of a short window or one region.
        let rank = Swift.max(0, Int((q * Double(count)).rounded(.up)) - 1)
        if rank < zeroCount { return 0 }
        var seen = zeroCount
        for (position, binCount) in bins.enumerated() {
            seen += binCount
            if seen > rank {
                let bin = firstIndex + position
                // The extremes are known exactly: a rank in their bin reports them as observed.
                if bin == Self.binIndex(of: maximum) { return maximum }
                // A minimum counted as zero has no bin (and no logarithm).
                if minimum >= Self.zeroThreshold, bin == Self.binIndex(of: minimum) { return minimum }
                // Clamping can only move the estimate towards the true value, which lies
                // between the exact minimum and maximum.
                return Swift.min(Swift.max(Self.representative(ofBin: bin), minimum), maximum)
            }
        }
        return maximum
    }

    static func binIndex(of value: Double) -> Int {
        Int((log(value) / logGamma).rounded(.up))
    }

    static func representative(ofBin index: Int) -> Double {
        2 * pow(gamma, Double(index)) / (gamma + 1)
    }

    private mutating func mergeSummary(count addedCount: Int, sum addedSum: Double,
                                       minimum addedMinimum: Double, maximum addedMaximum: Double,
                                       zeroCount addedZeros: Int) {
        count += addedCount
        sum += addedSum
        minimum = Swift.min(minimum, addedMinimum)
        maximum = Swift.max(maximum, addedMaximum)
        zeroCount += addedZeros
    }

    private mutating func addToBin(_ index: Int, count binCount: Int) {
        reserveBins(from: index, through: index)
        bins[index - firstIndex] += binCount
    }

    /// Grows the bin array so that it covers `low...high`.
    private mutating func reserveBins(from low: Int, through high: Int) {
        if bins.isEmpty {
            firstIndex = low
            bins = Array(repeating: 0, count: high - low + 1)
            return
        }
        if low < firstIndex {
            bins.insert(contentsOf: repeatElement(0, count: firstIndex - low), at: 0)
            firstIndex = low
        }
        let lastIndex = firstIndex + bins.count - 1
        if high > lastIndex {
            bins.append(contentsOf: repeatElement(0, count: high - lastIndex))
        }
    }
}

// MARK: - Serialization

extension QuantileSketch {
    /// Version of the layout written by `write(to:)`; readers refuse other versions.
    static let formatVersion: UInt8 = 1
    /// Set when min, max and sum are whole numbers written as varints instead of 8-byte
    /// doubles: true for microsecond latencies, and it halves a small sketch's size.
    private static let integralFlag: UInt8 = 1
    /// Set when only the occupied bins are written, each as (gap from the previous one, count).
    /// An hour of minute probes occupies a third of its bin range; a day's probes fill it,
    /// and there the dense layout, one count per bin, is smaller. The writer picks the smaller.
    private static let sparseFlag: UInt8 = 2
    /// No real distribution needs more bins (1e-6 to 1e300 spans ~35,000); a larger count in
    /// stored bytes means damage, and refusing it avoids a huge allocation.
    private static let maximumBinCount = 1 << 16

    /// The compact serialized form.
    public var serialized: [UInt8] {
        var writer = BinaryWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// Reads a sketch from its serialized form; the bytes must hold exactly one sketch.
    public init(serialized: [UInt8]) throws(BinaryDecodingError) {
        var reader = BinaryReader(serialized)
        self.init()
        try merge(reading: &reader)
        guard reader.isAtEnd else { throw .malformed("bytes after the sketch") }
    }

    /// Appends the serialized form: version, count, then (when not empty) a flags byte, min,
    /// max, sum, the zero count, the first bin index, the bin range's length, and the bins,
    /// dense or sparse (preceded by the number of occupied bins).
    public func write(to writer: inout BinaryWriter) {
        writer.write(byte: Self.formatVersion)
        writer.write(count: count)
        guard count > 0 else { return }
        // Named one by one rather than as an array: this runs for every rollup row written.
        func isWholeMicroseconds(_ value: Double) -> Bool { value == value.rounded() && value < 0x1p53 }
        let integral = isWholeMicroseconds(minimum) && isWholeMicroseconds(maximum) && isWholeMicroseconds(sum)
        let occupied = bins.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let sparse = 2 * occupied < bins.count
        writer.write(byte: (integral ? Self.integralFlag : 0) | (sparse ? Self.sparseFlag : 0))
        func writeSummaryValue(_ value: Double) {
            if integral {
                writer.write(varint: UInt64(value))
            } else {
                writer.write(double: value)
            }
        }
        writeSummaryValue(minimum)
        writeSummaryValue(maximum)
        writeSummaryValue(sum)
        writer.write(count: zeroCount)
        writer.write(signed: Int64(firstIndex))
        writer.write(count: bins.count)
        guard sparse else {
            bins.forEach { writer.write(count: $0) }
            return
        }
        writer.write(count: occupied)
        var previous = 0
        for (position, binCount) in bins.enumerated() where binCount > 0 {
            writer.write(count: position - previous)
            writer.write(count: binCount)
            previous = position
        }
    }

    /// Merges the sketch serialized at the reader's position into this one without building
    /// it first: a 30-day series merges tens of thousands of stored sketches.
    public mutating func merge(reading reader: inout BinaryReader) throws(BinaryDecodingError) {
        let version = try reader.readByte()
        guard version == Self.formatVersion else {
            throw .malformed("sketch format \(version), this version reads \(Self.formatVersion)")
        }
        let addedCount = try reader.readCount()
        guard addedCount > 0 else { return }
        let flags = try reader.readByte()
        let integral = flags & Self.integralFlag != 0
        func readSummaryValue() throws(BinaryDecodingError) -> Double {
            integral ? Double(try reader.readVarint()) : try reader.readDouble()
        }
        let addedMinimum = try readSummaryValue()
        let addedMaximum = try readSummaryValue()
        let addedSum = try readSummaryValue()
        guard addedMinimum <= addedMaximum else { throw .malformed("sketch minimum above maximum") }
        let addedZeros = try reader.readCount(limit: addedCount)
        let first = try reader.readSigned()
        let binCount = try reader.readCount(limit: Self.maximumBinCount)
        guard abs(first) < Int64(Self.maximumBinCount) else {
            throw .malformed("sketch bin index \(first) out of range")
        }
        mergeSummary(count: addedCount, sum: addedSum, minimum: addedMinimum,
                     maximum: addedMaximum, zeroCount: addedZeros)
        var binned = 0
        if binCount > 0 {
            reserveBins(from: Int(first), through: Int(first) + binCount - 1)
            let offset = Int(first) - firstIndex
            binned = try bins.withUnsafeMutableBufferPointer { (target) throws(BinaryDecodingError) -> Int in
                let range = target[offset..<offset + binCount]
                return flags & Self.sparseFlag != 0
                    ? try Self.readSparseBins(from: &reader, into: range, limit: addedCount)
                    : try Self.readDenseBins(from: &reader, into: range, limit: addedCount)
            }
        }
        guard binned + addedZeros == addedCount else { throw .malformed("sketch bins do not add up") }
    }

    /// Adds one count per bin of `range`; returns their total.
    private static func readDenseBins(from reader: inout BinaryReader, into range: Slice<UnsafeMutableBufferPointer<Int>>,
                                      limit: Int) throws(BinaryDecodingError) -> Int {
        var total = 0
        for position in range.indices {
            let binCount = try reader.readCount(limit: limit)
            range.base[position] += binCount
            total += binCount
        }
        return total
    }

    /// Adds (gap, count) pairs to the bins of `range`; returns their total.
    private static func readSparseBins(from reader: inout BinaryReader, into range: Slice<UnsafeMutableBufferPointer<Int>>,
                                       limit: Int) throws(BinaryDecodingError) -> Int {
        var total = 0
        var position = range.startIndex
        for _ in 0..<(try reader.readCount(limit: range.count)) {
            position += try reader.readCount(limit: range.count)
            guard position < range.endIndex else { throw .malformed("sketch bin outside its range") }
            let binCount = try reader.readCount(limit: limit)
            range.base[position] += binCount
            total += binCount
        }
        return total
    }
}
