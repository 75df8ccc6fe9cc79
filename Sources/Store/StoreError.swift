import CDNTopCore
import Foundation

/// Why the probe database could not be opened, read or written. Every message names the file
/// and says what to do, because the person reading it is at a terminal, maybe mid-incident.
/// Messages describe the database, not a command line: `cdntop` adds which flag to pass.
public enum StoreError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// `openReadOnly` found no file: readers never create an empty database.
    case missing(path: String)
    /// `openReadOnly` found a 0-byte file: readers leave it as it is.
    case empty(path: String)
    /// SQLite could not write: the disk (or the quota) is full.
    case diskFull(path: String)
    /// The file exists but SQLite cannot read it as a database.
    case notSQLite(path: String)
    /// An SQLite database that another program created: cdntop will not write into it.
    case notCDNTop(path: String)
    /// A newer cdntop migrated this file to a schema this binary does not know.
    case newerSchema(path: String, unknownMigrations: [String])
    case cannotCreateDirectory(path: String, reason: String)
    case cannotOpen(path: String, reason: String)
    /// Another process held the write lock for longer than the busy timeout.
    case busy(path: String, timeout: Double)
    /// Rows or rollups that cannot be decoded: a damaged file.
    case damaged(path: String, detail: String)
    /// Any other failure, with the engine's own message (sanitized, without passwords).
    case failed(path: String, reason: String)

    // A database on a server (`location` is its URI without the password):

    /// The connection string itself cannot be read.
    case invalidConnection(location: String, reason: String)
    /// No connection: the server is down, unreachable, or has no such database.
    case unreachable(location: String, reason: String)
    /// The server refused the user name or password.
    case authenticationFailed(location: String, reason: String)
    /// The TLS connection the location asks for could not be set up or verified.
    case tlsFailed(location: String, reason: String)
    /// A database on the server holds another program's tables and no cdntop schema.
    case foreignDatabase(location: String)

    public var description: String {
        switch self {
        case .missing(let path):
            "No probe database at \(path): no probes have been recorded there yet."
        case .empty(let path):
            "The probe database \(path) is an empty file: no probes have been recorded there yet."
        case .diskFull(let path):
            "Disk full: the probe database \(path) cannot grow. Free space on its disk, or move "
                + "it to a disk with room."
        case .notSQLite(let path):
            "\(path) is not an SQLite database: move this file away so a new database can be "
                + "created there."
        case .notCDNTop(let path):
            "\(path) is an SQLite database that cdntop did not create, and cdntop will not "
                + "write into another program's database."
        case .newerSchema(let path, let unknownMigrations):
            "\(path) was written by a newer version of cdntop (schema "
                + "\(unknownMigrations.joined(separator: ", "))). Upgrade cdntop to read it."
        case .cannotCreateDirectory(let path, let reason):
            "Cannot create the directory for the probe database \(path): \(reason). Create it "
                + "yourself, or choose a path in a writable directory."
        case .cannotOpen(let path, let reason):
            "Cannot open the probe database \(path): \(reason). Check that the path is a file "
                + "you can read and write, in a directory you can write."
        case .busy(let path, let timeout):
            "The probe database \(path) stayed locked by another process for more than "
                + "\(HumanDuration.format(seconds: timeout)). Try again; if this persists, look for a stuck cdntop process."
        case .damaged(let path, let detail):
            "The probe database \(path) looks damaged (\(detail)). Restore a backup, or move the "
                + "file away to start a new database."
        case .failed(let path, let reason):
            "The probe database \(path) failed: \(reason)."
        case .invalidConnection(let location, let reason):
            "Cannot read the probe database's connection string \(location): \(reason)."
        case .unreachable(let location, let reason):
            "Cannot connect to the probe database \(location): \(reason). Check that the server "
                + "runs, accepts connections from here, and holds that database."
        case .authenticationFailed(let location, let reason):
            "The server of the probe database \(location) refused the login: \(reason). Check the "
                + "user name and its password (in the URI, PGPASSWORD or ~/.pgpass)."
        case .tlsFailed(let location, let reason):
            "Cannot set up TLS to the probe database \(location): \(reason). Check the server's "
                + "certificate, the sslmode and the root certificate (sslrootcert)."
        case .foreignDatabase(let location):
            "\(location) holds tables of another program and no cdntop schema, and cdntop will not "
                + "write into another program's database. Use an empty database, or one cdntop created."
        }
    }

    public var errorDescription: String? { description }
}
