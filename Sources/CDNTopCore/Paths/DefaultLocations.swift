import Foundation

/// Where cdntop keeps its files when no flag says otherwise, following the XDG base
/// directory convention: config in `$XDG_CONFIG_HOME` (else `~/.config`), data in
/// `$XDG_DATA_HOME` (else `~/.local/share`). Relative XDG values are ignored, as the
/// specification asks. Pure: the environment is passed in, so tests need no real HOME.
public enum DefaultLocations {
    public static func configFile(environment: [String: String]) -> String {
        base("XDG_CONFIG_HOME", fallback: ".config", environment) + "/cdntop/config.toml"
    }

    public static func databaseFile(environment: [String: String]) -> String {
        base("XDG_DATA_HOME", fallback: ".local/share", environment) + "/cdntop/probes.sqlite"
    }

    /// Where the agent's probes wait until the probe database holds them: state, not data,
    /// in `$XDG_STATE_HOME` (else `~/.local/state`).
    public static func outboxFile(environment: [String: String]) -> String {
        base("XDG_STATE_HOME", fallback: ".local/state", environment) + "/cdntop/outbox.sqlite"
    }

    /// Where the agent of `region` keeps its stable id, made on its first run: state, beside
    /// the outbox. One file per region, so two agents a host runs for two regions (a demo, a
    /// machine probing as two vantage points) are two agents, not one that flips its region.
    public static func agentIDFile(region: String, environment: [String: String]) -> String {
        let name = String(region.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        return base("XDG_STATE_HOME", fallback: ".local/state", environment) + "/cdntop/agent-id-\(name)"
    }

    /// The user's theme files, searched before the installed `themes/` folder.
    public static func themesDirectory(environment: [String: String]) -> String {
        base("XDG_CONFIG_HOME", fallback: ".config", environment) + "/cdntop/themes"
    }

    /// Where the UI writes its log: never onto the screen it draws.
    public static func logFile(environment: [String: String]) -> String {
        base("XDG_STATE_HOME", fallback: ".local/state", environment) + "/cdntop/cdntop.log"
    }

    /// Where a data folder shipped with cdntop (`themes`, `scenarios`) may be: beside the
    /// installed binary (`bin/../share/cdntop/NAME`), in the source tree it was built in (found
    /// by walking up from `.build/…/cdntop`), then `./NAME`. Candidates, not checked.
    public static func installedDirectories(named name: String, executable: String, currentDirectory: String) -> [String] {
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        var directories = [folder.appendingPathComponent("../share/cdntop/\(name)").standardized.path]
        for _ in 0..<5 {
            directories.append(folder.appendingPathComponent(name).path)
            folder = folder.deletingLastPathComponent()
        }
        directories.append(currentDirectory + "/" + name)
        return directories.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Expands a leading `~/` in paths written in the config file.
    public static func expandingTilde(_ path: String, environment: [String: String]) -> String {
        path.hasPrefix("~/") ? home(environment) + path.dropFirst() : path
    }

    private static func base(_ variable: String, fallback: String, _ environment: [String: String]) -> String {
        if let value = environment[variable], value.hasPrefix("/") { return value }
        return home(environment) + "/" + fallback
    }

    private static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? "/"
    }
}
