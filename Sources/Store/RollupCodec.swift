import CDNTopCore

/// The `summary` blob of a rollup row: everything in a `ProbeAggregate` except the probe and
/// ok counts, which are columns so the file can be checked with the sqlite3 shell.
///
/// Layout (varints unless noted): format version (byte); then per phase, in
/// `ProbeAggregate.updatePhases` order (dns, connect, tls, ttfb, transfer, total), its sum (zigzag)
/// and its sketch (`QuantileSketch.write(to:)`); then five counted lists, each a length
/// followed by (key, count) pairs: cache statuses by code with 0 for "no cache layer", error
/// classes by code, providers by code, HTTP versions and POPs by string.
///
/// Size: a minute row holding one successful probe takes about 120 bytes, most of it the six
/// one-value sketches (14–17 bytes each, 9 for a phase of 0 µs); a failed probe's row, with
/// six empty sketches, about 25. Rows of many probes grow by about two bytes per occupied
/// sketch bin: an hour of 40 probes with widely spread phases takes about 550 bytes.
package enum RollupCodec {
    package static let formatVersion: UInt8 = 1

    package static func encode(_ aggregate: ProbeAggregate) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(byte: formatVersion)
        aggregate.forEachPhase { sum, sketch in
            writer.write(signed: sum)
            sketch.write(to: &writer)
        }
        var cacheCounts = aggregate.cache.map { (code: $0.key.storedCode, count: $0.value) }
        if aggregate.uncached > 0 {
            cacheCounts.append((code: 0, count: aggregate.uncached))
        }
        write(cacheCounts, to: &writer)
        write(aggregate.errors.map { (code: $0.key.storedCode, count: $0.value) }, to: &writer)
        write(aggregate.providers.map { (code: $0.key.storedCode, count: $0.value) }, to: &writer)
        write(aggregate.httpVersions, to: &writer)
        write(aggregate.pops, to: &writer)
        return writer.bytes
    }

    /// Adds a stored row to `aggregate` without building a separate aggregate first: window
    /// queries fold tens of thousands of rows into a few hundred cells.
    package static func accumulate(probes: Int, ok: Int, summary: [UInt8],
                           into aggregate: inout ProbeAggregate) throws {
        do {
            var reader = BinaryReader(summary)
            let version = try reader.readByte()
            guard version == formatVersion else {
                throw DamagedData("rollup format \(version), this version reads \(formatVersion)")
            }
            aggregate.count += probes
            aggregate.okCount += ok
            try aggregate.updatePhases { sum, sketch in
                sum += try reader.readSigned()
                try sketch.merge(reading: &reader)
            }
            try readCodedCounts(from: &reader) { code, count throws(DamagedData) in
                if code == 0 {
                    aggregate.uncached += count
                } else {
                    aggregate.cache[try CacheStatus(storedCode: code), default: 0] += count
                }
            }
            try readCodedCounts(from: &reader) { code, count throws(DamagedData) in
                aggregate.errors[try ProbeErrorClass(storedCode: code), default: 0] += count
            }
            try readCodedCounts(from: &reader) { code, count throws(DamagedData) in
                aggregate.providers[try Provider(storedCode: code), default: 0] += count
            }
            try readNamedCounts(from: &reader, into: &aggregate.httpVersions)
            try readNamedCounts(from: &reader, into: &aggregate.pops)
            guard reader.isAtEnd else { throw DamagedData("bytes after the rollup summary") }
        } catch let error as BinaryDecodingError {
            throw DamagedData("rollup summary: \(error)")
        }
    }

    private static func write(_ counts: [(code: Int, count: Int)], to writer: inout BinaryWriter) {
        writer.write(count: counts.count)
        for entry in counts {
            writer.write(count: entry.code)
            writer.write(count: entry.count)
        }
    }

    private static func write(_ counts: [String: Int], to writer: inout BinaryWriter) {
        writer.write(count: counts.count)
        for (name, count) in counts {
            writer.write(string: name)
            writer.write(count: count)
        }
    }

    /// A list holds at most one entry per distinct key; this caps a damaged length.
    private static let maximumListLength = 1 << 16

    private static func readCodedCounts(
        from reader: inout BinaryReader, _ add: (Int, Int) throws(DamagedData) -> Void
    ) throws {
        for _ in 0..<(try reader.readCount(limit: maximumListLength)) {
            let code = try reader.readCount(limit: Int(Int32.max))
            try add(code, try reader.readCount())
        }
    }

    private static func readNamedCounts(from reader: inout BinaryReader,
                                        into counts: inout [String: Int]) throws {
        for _ in 0..<(try reader.readCount(limit: maximumListLength)) {
            let name = try reader.readString()
            counts[name, default: 0] += try reader.readCount()
        }
    }
}
