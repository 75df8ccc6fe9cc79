import Foundation

/// Another process (the sqlite3 shell) holding the database's write lock, as a long
/// transaction in a second cdntop process would.
public final class SQLiteWriteLock {
    private let process = Process()
    private let input = Pipe()

    public init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: try ManagedProcess.executable("sqlite3", package: "sqlite3"))
        process.arguments = [path]
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        // The shell prints once the lock is taken.
        _ = (PipeReader.readSome(output.fileHandleForReading) ?? Data())
    }

    public func release() {
        guard process.isRunning else { return }
        input.fileHandleForWriting.write(Data("COMMIT;\n.quit\n".utf8))
        process.waitUntilExit()
    }

    deinit { release() }
}
