import CDNTopCore

/// The `summary` blob of a stored traffic minute, hour or day: everything in a
/// `TrafficMinute` except its key (site, provider, bucket), which engines keep as columns.
/// Engine-neutral, so every engine stores the same bytes and reads them with the same code.
///
/// Layout (varints unless noted): format version (byte); the cache tally (a length, then
/// (status code, count) pairs, code 0 for "no cache status"); bytes; per content class (a
/// length, then (class code, tally)); HTTP versions and status classes and POPs (each a
/// length, then (key, count)); the TTFB sketch (`QuantileSketch.write(to:)`); the top-misses
/// sketch (its error, a length, then (path, count)); malformed lines.
package enum TrafficCodec {
    static let formatVersion: UInt8 = 1

    /// Content classes by code (position + 1). Append-only, like `StoredVocabulary`.
    static let contentOrder: [ContentClass] = [.html, .cssJS, .image, .audioVideo, .font, .jsonXML, .other]

    package static func encode(_ minute: TrafficMinute) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(byte: formatVersion)
        write(minute.cache, to: &writer)
        writer.write(varint: UInt64(max(0, minute.bytes)))
        let contents = contentOrder.compactMap { content in minute.byContent[content].map { (content, $0) } }
        writer.write(count: contents.count)
        for (content, tally) in contents {
            writer.write(count: contentOrder.firstIndex(of: content)! + 1)
            write(tally, to: &writer)
        }
        write(minute.byHTTPVersion.sorted { $0.key < $1.key }, to: &writer) { $0.write(string: $1) }
        write(minute.byStatusClass.sorted { $0.key < $1.key }, to: &writer) { $0.write(count: $1) }
        write(minute.byPOP.sorted { $0.key < $1.key }, to: &writer) { $0.write(string: $1) }
        minute.ttfb.write(to: &writer)
        writer.write(varint: UInt64(max(0, minute.topMisses.error)))
        write(minute.topMisses.counts.sorted { $0.key < $1.key }, to: &writer) { $0.write(string: $1) }
        writer.write(varint: UInt64(max(0, minute.malformedLines)))
        return writer.bytes
    }

    /// Merges a stored blob into `minute` (whose key the caller set): windows fold many rows
    /// into one aggregate without building each.
    package static func merge(_ bytes: [UInt8], into minute: inout TrafficMinute) throws {
        do {
            var reader = BinaryReader(bytes)
            let version = try reader.readByte()
            guard version == formatVersion else {
                throw DamagedData("traffic format \(version), this version reads \(formatVersion)")
            }
            var decoded = TrafficMinute(site: minute.site, provider: minute.provider, minute: minute.minute)
            decoded.cache = try readTally(&reader)
            decoded.bytes = Int64(clamping: try reader.readVarint())
            for _ in 0..<(try reader.readCount(limit: contentOrder.count)) {
                let code = try reader.readCount()
                guard contentOrder.indices.contains(code - 1) else { throw DamagedData("unknown content class code \(code)") }
                decoded.byContent[contentOrder[code - 1]] = try readTally(&reader)
            }
            try readPairs(&reader) { reader throws(BinaryDecodingError) in try reader.readString() } into: { decoded.byHTTPVersion[$0] = $1 }
            try readPairs(&reader) { reader throws(BinaryDecodingError) in try reader.readCount(limit: 9) } into: { decoded.byStatusClass[$0] = $1 }
            try readPairs(&reader) { reader throws(BinaryDecodingError) in try reader.readString() } into: { decoded.byPOP[$0] = $1 }
            try decoded.ttfb.merge(reading: &reader)
            let error = Int64(clamping: try reader.readVarint())
            var misses: [String: Int64] = [:]
            try readPairs(&reader) { reader throws(BinaryDecodingError) in try reader.readString() } into: { misses[$0] = $1 }
            decoded.topMisses = HeavyHitters(counts: misses, error: error)
            decoded.malformedLines = Int64(clamping: try reader.readVarint())
            guard reader.isAtEnd else { throw DamagedData("bytes after a traffic summary") }
            minute.merge(decoded)
        } catch let error as BinaryDecodingError {
            throw DamagedData("traffic summary: \(error)")
        }
    }

    private static func write(_ tally: CacheTally, to writer: inout BinaryWriter) {
        var pairs = CacheStatus.storageOrder.compactMap { status in
            tally.count(status) > 0 ? (status.storedCode, tally.count(status)) : nil
        }
        if tally.uncached > 0 { pairs.append((0, tally.uncached)) }
        writer.write(count: pairs.count)
        for (code, count) in pairs {
            writer.write(count: code)
            writer.write(varint: UInt64(count))
        }
    }

    private static func readTally(_ reader: inout BinaryReader) throws -> CacheTally {
        var tally = CacheTally()
        for _ in 0..<(try reader.readCount(limit: CacheStatus.storageOrder.count + 1)) {
            let code = try reader.readCount()
            let count = Int64(clamping: try reader.readVarint())
            tally.add(code == 0 ? nil : try CacheStatus(storedCode: code), count: count)
        }
        return tally
    }

    private static func write<Key>(_ pairs: [(key: Key, value: Int64)], to writer: inout BinaryWriter,
                                   key: (inout BinaryWriter, Key) -> Void) {
        writer.write(count: pairs.count)
        for (name, count) in pairs {
            key(&writer, name)
            writer.write(varint: UInt64(max(0, count)))
        }
    }

    private static func readPairs<Key>(_ reader: inout BinaryReader,
                                       key: (inout BinaryReader) throws(BinaryDecodingError) -> Key,
                                       into store: (Key, Int64) -> Void) throws(BinaryDecodingError) {
        let count = try reader.readCount(limit: 1 << 20)
        for _ in 0..<count {
            let name = try key(&reader)
            store(name, Int64(clamping: try reader.readVarint()))
        }
    }
}
