import CDNTopCore
import Foundation
import UI

/// The themes `t` cycles through: the built-in default, then every `*.toml` theme found in
/// the user's `~/.config/cdntop/themes`, then in the installed `themes/` folder (a user file
/// of the same name wins). A broken theme file is reported and skipped, never fatal.
struct ThemeCatalog {
    /// Themes in cycling order: default, light, mono, presentation, then the rest by name.
    private(set) var themes: [Theme]
    /// One line per theme file that could not be used.
    private(set) var problems: [String]

    static let preferredOrder = ["default", "light", "mono", "presentation"]

    init(directories: [String]) {
        var byName: [String: Theme] = ["default": Theme.builtinDefault]
        var problems: [String] = []
        var seenFiles: Set<String> = []
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".toml") && !seenFiles.contains(file) {
                seenFiles.insert(file)
                let path = (directory as NSString).appendingPathComponent(file)
                do {
                    let text = try String(contentsOfFile: path, encoding: .utf8)
                    let theme = try ThemeParser.parse(text, file: path, defaultName: String(file.dropLast(5)))
                    byName[theme.name] = theme
                } catch {
                    problems.append("\(error)")
                }
            }
        }
        let rank = { (name: String) in Self.preferredOrder.firstIndex(of: name) ?? Self.preferredOrder.count }
        themes = byName.values.sorted { rank($0.name) != rank($1.name) ? rank($0.name) < rank($1.name) : $0.name < $1.name }
        self.problems = problems
    }

    func theme(named name: String) -> Theme? {
        themes.first { $0.name == name }
    }

    /// The theme after `name`, wrapping around.
    func next(after name: String) -> Theme {
        let index = themes.firstIndex { $0.name == name } ?? -1
        return themes[(index + 1) % themes.count]
    }

    /// Where themes are looked for: the user's folder first, then the installed `themes/`.
    static func searchDirectories(environment: [String: String], executable: String) -> [String] {
        [DefaultLocations.themesDirectory(environment: environment)]
            + DefaultLocations.installedDirectories(named: "themes", executable: executable,
                                                    currentDirectory: FileManager.default.currentDirectoryPath)
    }
}
