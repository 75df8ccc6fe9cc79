/// Writes the compact byte format that sketches and rollups are stored in.
///
/// Counts and microsecond figures are small non-negative integers almost always, so they are
/// written as LEB128 varints (1–3 bytes each instead of 8): a rollup row stays a few dozen
/// bytes and a month of them merges in milliseconds.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(byte: UInt8) {
        bytes.append(byte)
    }

    /// Unsigned LEB128: seven bits per byte, low bits first, high bit set on all but the last.
    public mutating func write(varint value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Non-negative counts; a negative count is a bug upstream, so it traps rather than wraps.
    public mutating func write(count: Int) {
        write(varint: UInt64(count))
    }

    /// Zigzag-encoded so that small negative numbers stay short too.
    public mutating func write(signed value: Int64) {
        write(varint: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// The IEEE-754 bit pattern, little-endian: exact for any value.
    public mutating func write(double value: Double) {
        var pattern = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: pattern))
            pattern >>= 8
        }
    }

    /// Length-prefixed UTF-8.
    public mutating func write(string: String) {
        let utf8 = Array(string.utf8)
        write(count: utf8.count)
        bytes.append(contentsOf: utf8)
    }
}

/// Reads what `BinaryWriter` wrote, refusing truncated or out-of-range input instead of trapping:
/// the bytes come from a file that another version of cdntop, or a crash, may have left behind.
public struct BinaryReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var isAtEnd: Bool { position == bytes.count }

    public mutating func readByte() throws(BinaryDecodingError) -> UInt8 {
        guard position < bytes.count else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func readVarint() throws(BinaryDecodingError) -> UInt64 {
        // Most stored numbers are counts below 128: one byte, no loop.
        if position < bytes.count, bytes[position] < 0x80 {
            defer { position += 1 }
            return UInt64(bytes[position])
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw .malformed("varint longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// A count that must fit the platform's `Int` and stay within `limit`, the largest value the
    /// caller can meaningfully allocate or loop over.
    public mutating func readCount(limit: Int = Int.max) throws(BinaryDecodingError) -> Int {
        let value = try readVarint()
        guard value <= UInt64(limit) else { throw .malformed("count \(value) above \(limit)") }
        return Int(value)
    }

    public mutating func readSigned() throws(BinaryDecodingError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    public mutating func readDouble() throws(BinaryDecodingError) -> Double {
        var pattern: UInt64 = 0
        for index in 0..<8 {
            pattern |= UInt64(try readByte()) << (8 * UInt64(index))
        }
        return Double(bitPattern: pattern)
    }

    public mutating func readString() throws(BinaryDecodingError) -> String {
        let length = try readCount()
        // Checked after the length is read: the bytes left are those after it.
        guard length <= bytes.count - position else { throw .truncated }
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }
}

/// Why stored bytes could not be read back.
public enum BinaryDecodingError: Error, Equatable, CustomStringConvertible {
    /// The bytes end in the middle of a value.
    case truncated
    /// The bytes are complete but say something impossible.
    case malformed(String)

    public var description: String {
        switch self {
        case .truncated: "the data ends in the middle of a value"
        case .malformed(let detail): "the data is malformed: \(detail)"
        }
    }
}
