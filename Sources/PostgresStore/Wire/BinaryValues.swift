import CLibPQ

/// PostgreSQL type OIDs of the values cdntop sends and reads (pg_type.dat; stable across
/// server versions).
enum TypeOID {
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let text: Oid = 25
    static let boolArray: Oid = 1000
    static let byteaArray: Oid = 1001
    static let int2Array: Oid = 1005
    static let int4Array: Oid = 1007
    static let textArray: Oid = 1009
    static let int8Array: Oid = 1016
}

/// One query parameter in PostgreSQL's binary format: exact integers and raw bytes, no text
/// escaping, and whole columns of a round sent as one array (`unnest` turns them into rows).
struct Parameter {
    let type: Oid
    /// nil is SQL NULL.
    let bytes: [UInt8]?

    static func int8(_ value: Int64) -> Parameter {
        Parameter(type: TypeOID.int8, bytes: BigEndian.bytes(value))
    }

    static func int8(_ value: Int64?) -> Parameter {
        value.map { int8($0) } ?? Parameter(type: TypeOID.int8, bytes: nil)
    }

    static func bytea(_ value: [UInt8]) -> Parameter {
        Parameter(type: TypeOID.bytea, bytes: value)
    }

    static func text(_ value: String?) -> Parameter {
        Parameter(type: TypeOID.text, bytes: value.map { Array($0.utf8) })
    }

    static func int8Array(_ values: [Int64?]) -> Parameter {
        array(of: TypeOID.int8, arrayType: TypeOID.int8Array, values.map { $0.map(BigEndian.bytes) })
    }

    static func int4Array(_ values: [Int32?]) -> Parameter {
        array(of: TypeOID.int4, arrayType: TypeOID.int4Array, values.map { $0.map(BigEndian.bytes) })
    }

    static func int2Array(_ values: [Int16?]) -> Parameter {
        array(of: TypeOID.int2, arrayType: TypeOID.int2Array, values.map { $0.map(BigEndian.bytes) })
    }

    static func boolArray(_ values: [Bool]) -> Parameter {
        array(of: TypeOID.bool, arrayType: TypeOID.boolArray, values.map { [$0 ? 1 : 0] })
    }

    static func textArray(_ values: [String?]) -> Parameter {
        array(of: TypeOID.text, arrayType: TypeOID.textArray, values.map { $0.map { Array($0.utf8) } })
    }

    static func byteaArray(_ values: [[UInt8]]) -> Parameter {
        array(of: TypeOID.bytea, arrayType: TypeOID.byteaArray, values)
    }

    /// A one-dimensional array: dimensions, null flag, element type, length and lower bound,
    /// then each element as a length (-1 for NULL) and its bytes.
    private static func array(of element: Oid, arrayType: Oid, _ elements: [[UInt8]?]) -> Parameter {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + elements.reduce(0) { $0 + 4 + ($1?.count ?? 0) })
        bytes += BigEndian.bytes(Int32(1))
        bytes += BigEndian.bytes(Int32(elements.contains { $0 == nil } ? 1 : 0))
        bytes += BigEndian.bytes(Int32(bitPattern: element))
        bytes += BigEndian.bytes(Int32(elements.count))
        bytes += BigEndian.bytes(Int32(1))
        for element in elements {
            if let element {
                bytes += BigEndian.bytes(Int32(element.count))
                bytes += element
            } else {
                bytes += BigEndian.bytes(Int32(-1))
            }
        }
        return Parameter(type: arrayType, bytes: bytes)
    }
}

enum BigEndian {
    static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    static func value<T: FixedWidthInteger>(_ type: T.Type, from pointer: UnsafeRawPointer) -> T {
        T(bigEndian: pointer.loadUnaligned(as: T.self))
    }
}

/// Rows for `COPY … FROM STDIN (FORMAT binary)`: the fastest way into PostgreSQL, one buffer
/// per round. Each field is written in the binary format of its column's type, exactly.
struct CopyRows {
    /// The signature "PGCOPY\n\377\r\n\0", then no flags and no header extension.
    private(set) var bytes: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00,
                                       0, 0, 0, 0, 0, 0, 0, 0]

    mutating func beginRow(fields: Int16) {
        bytes += BigEndian.bytes(fields)
    }

    mutating func int2(_ value: Int?) {
        field(value.map { BigEndian.bytes(Int16($0)) })
    }

    mutating func int4(_ value: Int?) {
        field(value.map { BigEndian.bytes(Int32($0)) })
    }

    mutating func int8(_ value: Int64?) {
        field(value.map(BigEndian.bytes))
    }

    mutating func bool(_ value: Bool) {
        field([value ? 1 : 0])
    }

    mutating func text(_ value: String?) {
        field(value.map { Array($0.utf8) })
    }

    private mutating func field(_ value: [UInt8]?) {
        guard let value else {
            bytes += BigEndian.bytes(Int32(-1))
            return
        }
        bytes += BigEndian.bytes(Int32(value.count))
        bytes += value
    }

    /// The buffer with its trailer.
    func finished() -> [UInt8] {
        bytes + BigEndian.bytes(Int16(-1))
    }
}
