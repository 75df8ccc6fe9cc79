import ArgumentParser
import CDNTopCore
import Foundation
import Store

/// Where the config and the probe database live: flags first, then the config's
/// `[database] path`, then the XDG defaults (`DefaultLocations`).
struct Locations: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (default ~/.config/cdntop/config.toml).", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Probe database (default ~/.local/share/cdntop/probes.sqlite).", valueName: "PATH"))
    var db: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    var configPath: String {
        config ?? DefaultLocations.configFile(environment: environment)
    }

    /// The probe database for a reader (`report`, `export`), which must never create one.
    /// A missing file ends the command with `missing`'s message and status; any other
    /// problem with exit status 3.
    func openExistingStore(missing: (message: String, status: Int32)? = nil) throws -> ProbeStore {
        let path = databasePath()
        do {
            return try ProbeStore.openExisting(path: path)
        } catch StoreError.missing {
            guard let missing else { throw Failure.exit("\(StoreError.missing(path: path))", status: Failure.database) }
            throw Failure.exit(missing.message.replacingOccurrences(of: "{path}", with: path), status: missing.status)
        } catch {
            throw Failure.exit("\(error)", status: Failure.database)
        }
    }

    func databasePath(configured: String? = nil) -> String {
        db ?? configured.map { DefaultLocations.expandingTilde($0, environment: environment) }
            ?? DefaultLocations.databaseFile(environment: environment)
    }
}
