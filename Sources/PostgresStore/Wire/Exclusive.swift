import Foundation

/// A connection (or session) one thread uses at a time: the store is shared by the delivery
/// thread and the UI feed, a libpq connection is not thread-safe.
/// `@unchecked Sendable`: `value` is reached only inside `withLock`, and callers do not keep
/// it beyond the closure.
final class Exclusive<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private let value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<T>(_ body: (Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(value)
    }
}

/// A connection made when first asked for, then kept: used only behind its `Exclusive`.
final class OnFirstUse {
    private let make: () throws(ServerFailure) -> Connection
    private var made: Connection?

    init(_ make: @escaping () throws(ServerFailure) -> Connection) {
        self.make = make
    }

    init(_ connection: Connection) {
        make = { connection }
        made = connection
    }

    func connection() throws(ServerFailure) -> Connection {
        if let made { return made }
        let connection = try make()
        made = connection
        return connection
    }
}
