import CDNTopCore
import PostgresStore
import Store

/// The one place that turns a `--db` value into an engine: a file path is SQLite, a
/// `postgres://` or `postgresql://` URI is PostgreSQL. Everything past it sees `ProbeStore`.
enum StoreOpening {
    /// For writers: creates and migrates what is missing.
    static func open(_ address: StoreAddress, settings: StoreSettings) throws -> any ProbeStore {
        switch address {
        case .file(let path): try SQLiteProbeStore(path: path, settings: settings)
        case .postgres(let uri): try PostgresProbeStore(uri: uri, settings: settings)
        }
    }

    /// For readers: never creates, migrates or converts anything.
    static func openReadOnly(_ address: StoreAddress, settings: StoreSettings = .default) throws -> any ProbeStore {
        switch address {
        case .file(let path): try SQLiteProbeStore.openReadOnly(path: path, settings: settings)
        case .postgres(let uri): try PostgresProbeStore.openReadOnly(uri: uri, settings: settings)
        }
    }

    /// Problems that time heals, so an agent keeps probing into its outbox and opens the store
    /// at a later delivery: a file another process holds locked, a server that is down or
    /// unreachable. A wrong password, a foreign database or a newer schema do not heal.
    static func isPassing(_ error: any Error) -> Bool {
        switch error as? StoreError {
        case .busy, .unreachable: true
        default: false
        }
    }
}
