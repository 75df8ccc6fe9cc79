import ArgumentParser
import CDNTopCore
import Config
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

    /// The config file: a missing one is named with the flag that chooses another.
    func loadConfig() throws -> CDNTopConfig {
        let path = configPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExitStatus.configUnusable.fail("\(path): no such file: create it (README.md shows an example) or pass --config FILE")
        }
        do {
            return try CDNTopConfig.load(path: path)
        } catch {
            throw ExitStatus.configUnusable.fail(error.description)
        }
    }

    /// The probe database for a reader (`report`, `export`), which must never create one.
    /// A missing file ends the command with `missing`'s message and status; any other
    /// problem with exit status 3.
    func openExistingStore(missing: (message: String, status: ExitStatus)? = nil) throws -> ProbeStore {
        let path = databasePath()
        do {
            return try ProbeStore.openExisting(path: path)
        } catch StoreError.missing {
            guard let missing else { throw ExitStatus.databaseUnusable.fail(StoreError.missing(path: path).commandLineMessage) }
            throw missing.status.fail(missing.message.replacingOccurrences(of: "{path}", with: path))
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
    }

    /// The probe database for a writer (`probe`, the UI), created when missing.
    func openStore(config: CDNTopConfig?) throws -> ProbeStore {
        do {
            return try ProbeStore(path: databasePath(configured: config?.database.path),
                                  settings: StoreSettings.default.overriding(with: config?.database ?? .init()))
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
    }

    func databasePath(configured: String? = nil) -> String {
        db ?? configured.map { DefaultLocations.expandingTilde($0, environment: environment) }
            ?? DefaultLocations.databaseFile(environment: environment)
    }
}
