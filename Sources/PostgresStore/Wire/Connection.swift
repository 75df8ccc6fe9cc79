import CLibPQ
import Foundation

/// What libpq or the server said went wrong: the SQLSTATE code when the server sent one, and
/// libpq's message, raw. `PostgresProbeStore` sanitizes and masks it before anyone sees it.
struct ServerFailure: Error {
    /// Five characters ("28P01"); nil when the failure happened before the server answered.
    var sqlState: String?
    var message: String
    /// True when the failure came from connecting (or reconnecting), not from a statement.
    var duringConnect = false
}

/// One libpq connection, used by one thread at a time (its owner holds it behind a mutex).
/// Every statement is sent with binary parameters and asks for binary results; a connection
/// the server dropped is reset on the next use, so a restarted server heals without the
/// store being reopened.
final class Connection {
    private var handle: OpaquePointer?
    /// Statements run after every (re)connect: session settings.
    private let setup: String
    /// Names of the statements prepared on this session, by their SQL: a round runs the same
    /// dozen statements every time, and the server parses and plans each once per session.
    /// A reset session has none.
    private var prepared: [String: String] = [:]

    /// `conninfo` is a URI or key=value string; libpq itself reads passwords from it,
    /// `PGPASSWORD` or `~/.pgpass`, and every other PG* variable.
    init(conninfo: String, setup: String) throws(ServerFailure) {
        self.setup = setup
        // Earlier keys are defaults the URI (expanded from dbname) overrides: a server that
        // does not answer fails in 10 s instead of the TCP timeout's minutes, and a connection
        // that stops answering mid-statement (a cut network) is given up after about 30 s by
        // keepalives and the TCP user timeout, so the delivery thread never hangs for the
        // kernel's many minutes while rounds pile up.
        let keys = ["connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
                    "tcp_user_timeout", "fallback_application_name", "dbname"]
        let values = ["10", "1", "10", "5", "3", "30000", "cdntop", conninfo]
        handle = withCStrings(keys) { keyPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keyPointers, valuePointers, 1)
            }
        }
        try checkConnected()
    }

    deinit {
        PQfinish(handle)
    }

    private func checkConnected() throws(ServerFailure) {
        guard let handle else { throw ServerFailure(message: "out of memory", duringConnect: true) }
        guard PQstatus(handle) == CONNECTION_OK else {
            throw ServerFailure(message: String(cString: PQerrorMessage(handle)), duringConnect: true)
        }
        // Notices ("relation already exists, skipping") are not for the terminal.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let result = PQexec(handle, setup)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(of: result) }
    }

    /// Resets a connection the server or the network dropped; throws while it stays down.
    private func healed() throws(ServerFailure) -> OpaquePointer {
        guard let handle else { throw ServerFailure(message: "out of memory", duringConnect: true) }
        if PQstatus(handle) == CONNECTION_BAD {
            PQreset(handle)
            prepared.removeAll()
            try checkConnected()
        }
        return handle
    }

    /// True once libpq found the connection dropped.
    private var isBroken: Bool {
        handle.map { PQstatus($0) == CONNECTION_BAD } ?? true
    }

    /// Runs one statement (no parameters: several statements may be separated by `;`).
    func execute(_ sql: String) throws(ServerFailure) {
        let handle = try healed()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(of: result) }
    }

    /// Runs one statement with binary parameters; rows come back in binary. `sql` must be
    /// the same text for every call of one kind (values go in parameters): it is prepared
    /// once per session.
    @discardableResult
    func query(_ sql: String, _ parameters: [Parameter] = []) throws(ServerFailure) -> Rows {
        let handle = try healed()
        let types = parameters.map(\.type)
        let name = try statement(sql, types: types, on: handle)
        let lengths = parameters.map { Int32($0.bytes?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: parameters.count)
        var storage: [UInt8] = []
        var offsets: [Int?] = []
        for parameter in parameters {
            if let bytes = parameter.bytes {
                offsets.append(storage.count)
                storage += bytes
            } else {
                offsets.append(nil)
            }
        }
        // Zero-length values still need a valid pointer: never let the buffer be empty.
        storage.append(0)
        let result = storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { $0.map { base + $0 } }
            return PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 1)
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            defer { PQclear(result) }
            throw failure(of: result)
        }
        return Rows(result)
    }

    /// The name `sql` is prepared under on this session, preparing it on first use.
    private func statement(_ sql: String, types: [Oid], on handle: OpaquePointer) throws(ServerFailure) -> String {
        if let name = prepared[sql] { return name }
        let name = "cdntop_\(prepared.count)"
        let result = PQprepare(handle, name, sql, Int32(types.count), types)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(of: result) }
        prepared[sql] = name
        return name
    }

    /// `COPY … FROM STDIN` with `data` in the format the statement names.
    func copy(_ sql: String, data: [UInt8]) throws(ServerFailure) {
        let handle = try healed()
        let start = PQexec(handle, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw failure(of: start)
        }
        PQclear(start)
        let chunk = 1 << 20
        var offset = 0
        var sent = true
        data.withUnsafeBytes { buffer in
            while offset < buffer.count, sent {
                let length = min(chunk, buffer.count - offset)
                let pointer = buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                sent = PQputCopyData(handle, pointer, Int32(length)) == 1
                offset += length
            }
        }
        if sent { sent = PQputCopyEnd(handle, nil) == 1 }
        guard sent else { throw ServerFailure(message: String(cString: PQerrorMessage(handle))) }
        var problem: ServerFailure?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, problem == nil { problem = failure(of: result) }
            PQclear(result)
        }
        if let problem { throw problem }
    }

    /// Runs `body` in a transaction, rolled back when it throws.
    ///
    /// libpq notices a connection the server dropped (a restart) only when it is used: when
    /// `begin` meets a dropped connection, nothing of the transaction has reached the server
    /// yet, so it is safe to reconnect and begin again, once. A connection lost later fails
    /// the transaction (the server rolls it back) and heals on the next use.
    func transaction<T>(_ begin: String = "BEGIN", _ body: () throws -> T) throws -> T {
        do {
            try execute(begin)
        } catch {
            guard isBroken else { throw error }
            try execute(begin)
        }
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            // A dropped connection has nothing to roll back; the server already did.
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func failure(of result: OpaquePointer?) -> ServerFailure {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        var message = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
        if message.isEmpty, let handle { message = String(cString: PQerrorMessage(handle)) }
        return ServerFailure(sqlState: state, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A statement's rows in binary format, read by column type.
final class Rows {
    private let result: OpaquePointer?
    let count: Int

    init(_ result: OpaquePointer?) {
        self.result = result
        count = Int(PQntuples(result))
    }

    deinit {
        PQclear(result)
    }

    /// Rows an INSERT, UPDATE or DELETE touched.
    var affected: Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(result, Int32(row), Int32(column)) == 1
    }

    private func pointer(_ row: Int, _ column: Int) -> UnsafeRawPointer? {
        guard !isNull(row, column), let value = PQgetvalue(result, Int32(row), Int32(column)) else { return nil }
        return UnsafeRawPointer(value)
    }

    /// An integer column of any width (int2, int4, int8), nil for NULL.
    func int(_ row: Int, _ column: Int) throws(DamagedColumn) -> Int64? {
        guard let pointer = pointer(row, column) else { return nil }
        switch PQftype(result, Int32(column)) {
        case TypeOID.int8: return BigEndian.value(Int64.self, from: pointer)
        case TypeOID.int4: return Int64(BigEndian.value(Int32.self, from: pointer))
        case TypeOID.int2: return Int64(BigEndian.value(Int16.self, from: pointer))
        case let type: throw DamagedColumn(column: column, type: type)
        }
    }

    func int(_ row: Int, _ column: Int) throws(DamagedColumn) -> Int? {
        try (int(row, column) as Int64?).map { Int($0) }
    }

    func bool(_ row: Int, _ column: Int) throws(DamagedColumn) -> Bool? {
        guard let pointer = pointer(row, column) else { return nil }
        guard PQftype(result, Int32(column)) == TypeOID.bool else {
            throw DamagedColumn(column: column, type: PQftype(result, Int32(column)))
        }
        return pointer.load(as: UInt8.self) != 0
    }

    func string(_ row: Int, _ column: Int) -> String? {
        bytes(row, column).map { String(decoding: $0, as: UTF8.self) }
    }

    func bytes(_ row: Int, _ column: Int) -> [UInt8]? {
        guard let pointer = pointer(row, column) else { return nil }
        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}

/// A column whose type is not the one the query was written for: a schema cdntop did not make.
struct DamagedColumn: Error {
    var column: Int
    var type: Oid
}

/// Calls `body` with NUL-terminated copies of `strings`, followed by a NULL pointer.
private func withCStrings<T>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) } + [nil])
}
