import ArgumentParser
import CDNTopCore
import Foundation

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

    func databasePath(configured: String? = nil) -> String {
        db ?? configured.map { DefaultLocations.expandingTilde($0, environment: environment) }
            ?? DefaultLocations.databaseFile(environment: environment)
    }
}
