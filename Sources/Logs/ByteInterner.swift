import Foundation

/// Gives each distinct short byte string (a cache word, a POP code, a content type, a host)
/// a small number, without building a `String` per line: the line's bytes are hashed and
/// compared in place, and only a value seen for the first time is copied. Lookups of values
/// seen before allocate nothing.
///
/// Bounded: after `capacity` distinct values (a hostile log can hold millions), `id(of:)`
/// answers nil and the caller takes its slow path for the rest.
struct ByteInterner {
    static let capacity = 4096
    private static let slotCount = 8192  // a power of two, twice the capacity

    /// Each slot holds an id + 1, 0 when empty.
    private var slots = [Int32](repeating: 0, count: ByteInterner.slotCount)
    private var storage: [UInt8] = []
    private var ranges: [Range<Int>] = []
    private var hashes: [UInt64] = []

    /// The bytes given an id.
    func bytes(of id: Int) -> ArraySlice<UInt8> { storage[ranges[id]] }

    /// The id of `value`, assigned on first sight; nil once the table is full.
    /// `isNew` tells the caller to compute what it keeps per id.
    mutating func id(of value: LogBytes, isNew: inout Bool) -> Int? {
        let hash = Self.hash(value)
        var slot = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let id = entry - 1
            if hashes[id] == hash, matches(id, value) {
                isNew = false
                return id
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
        guard ranges.count < Self.capacity else { return nil }
        let id = ranges.count
        let start = storage.count
        storage.append(contentsOf: value)
        ranges.append(start..<storage.count)
        hashes.append(hash)
        slots[slot] = Int32(id + 1)
        isNew = true
        return id
    }

    private func matches(_ id: Int, _ value: LogBytes) -> Bool {
        let range = ranges[id]
        guard range.count == value.count else { return false }
        guard let base = value.baseAddress else { return true }
        return storage.withUnsafeBufferPointer { memcmp($0.baseAddress! + range.lowerBound, base, range.count) == 0 }
    }

    /// FNV-1a: short keys, no allocation, good enough spread for a table this small.
    private static func hash(_ value: LogBytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in value {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}
