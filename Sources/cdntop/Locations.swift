import Agent
import ArgumentParser
import CDNTopCore
import Config
import Foundation
import Outbox
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

    /// The probe database for a reader (`report`, `export`, the read-only UI), opened
    /// read-only: it never creates, migrates or converts a file or a schema. A missing (or
    /// empty) database ends the command with `missing`'s message and status; any other
    /// problem with exit status 3.
    func openReadOnlyStore(configured: String? = nil, missing: (message: String, status: ExitStatus)? = nil) throws -> any ProbeStore {
        let address = storeAddress(configured: configured)
        do {
            return try StoreOpening.openReadOnly(address)
        } catch let error as StoreError where error == .missing(path: address.display) || error == .empty(path: address.display) {
            guard let missing else { throw ExitStatus.databaseUnusable.fail(error.commandLineMessage) }
            let message = error == .empty(path: address.display) ? "nothing to report: \(error.commandLineMessage)" : missing.message
            throw missing.status.fail(message.replacingOccurrences(of: "{path}", with: address.display))
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
    }

    /// The probe database for a writer (`probe`, the UI), created when missing.
    func openStore(config: CDNTopConfig?) throws -> any ProbeStore {
        do {
            return try StoreOpening.open(storeAddress(configured: config?.database.path),
                                         settings: StoreSettings.default.overriding(with: config?.database ?? .init()))
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
    }

    /// The agent's way into the probe database. A database another process holds locked, or
    /// a server that is down, is not a reason to stop probing: the probes wait in the outbox,
    /// and the store is opened at a later delivery. Anything else wrong with it (a wrong
    /// password, another program's database) ends the command (exit 3).
    func delivery(config: CDNTopConfig, outbox: Outbox) throws -> Delivery {
        let address = storeAddress(configured: config.database.path)
        let settings = StoreSettings.default.overriding(with: config.database)
        do {
            return Delivery(store: try StoreOpening.open(address, settings: settings), outbox: outbox)
        } catch where StoreOpening.isPassing(error) {
            FileHandle.standardError.write(Data("cdntop: \(commandLineMessage(error)) Probing goes on; probes wait in the outbox \(outbox.location).\n".utf8))
            return Delivery(storePath: address.display, outbox: outbox) { try StoreOpening.open(address, settings: settings) }
        } catch {
            throw ExitStatus.databaseUnusable.fail(commandLineMessage(error))
        }
    }

    /// The outbox where probes wait until the store holds them: `flag` (`--outbox`), else
    /// `[outbox] path`, else the XDG state default, bounded by `[outbox]`. Probes the bounds
    /// drop from an earlier run's outbox are counted on stderr.
    func openOutbox(flag: String?, config: CDNTopConfig) throws -> Outbox {
        let path = flag ?? config.outbox.path.map { DefaultLocations.expandingTilde($0, environment: environment) }
            ?? DefaultLocations.outboxFile(environment: environment)
        var limits = OutboxLimits.default
        if let maxProbes = config.outbox.maxProbes { limits.maxProbes = maxProbes }
        if let maxAge = config.outbox.maxAge { limits.maxAge = maxAge }
        do {
            let opened = try Outbox(path: path, limits: limits)
            let dropped = try opened.applyLimits()
            if dropped > 0 {
                FileHandle.standardError.write(Data("cdntop: dropped \(dropped) probes that waited in the outbox \(path) past [outbox] max_age or max_probes\n".utf8))
            }
            return opened
        } catch {
            throw ExitStatus.databaseUnusable.fail("\(error.description). Pass --outbox with a path in a writable directory, or set [outbox] path.")
        }
    }

    /// This agent's stable id: `flag` (`--agent-id`), else `[agent] id`, else the id kept in
    /// the state directory for its `region` (made on the first run).
    func agentID(flag: String?, config: CDNTopConfig, region: String) throws -> String {
        if let flag {
            if let problem = AgentID.problem(with: flag) { throw ExitStatus.badArguments.fail("--agent-id: \(problem)") }
            return flag
        }
        if let configured = config.agentID { return configured }
        do {
            return try AgentIDFile.load(path: DefaultLocations.agentIDFile(region: region, environment: environment))
        } catch {
            throw ExitStatus.configUnusable.fail("\(error), or pass --agent-id")
        }
    }

    /// Where the probe database is: `--db`, else the config's `[database]`, else the default file.
    func storeAddress(configured: String? = nil) -> StoreAddress {
        StoreAddress(databasePath(configured: configured))
    }

    func databasePath(configured: String? = nil) -> String {
        db ?? configured.map { DefaultLocations.expandingTilde($0, environment: environment) }
            ?? DefaultLocations.databaseFile(environment: environment)
    }
}
