import Foundation
import Testing
import UI

/// Golden files of whole screens. After an intended change, rerun with
/// CDNTOP_UPDATE_GOLDEN=1, read the diff of `Snapshots/`, and commit it.
enum Snapshots {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The theme files shipped in `themes/`.
    static func theme(_ name: String) throws -> Theme {
        let path = repository.appendingPathComponent("themes/\(name).toml").path
        return try ThemeParser.parse(try String(contentsOfFile: path, encoding: .utf8), file: path, defaultName: name)
    }

    /// The screen's text, then a mask of its attributes under `theme` on a monochrome terminal
    /// (R reverse, B bold, U underline, D dim, . none; the first that applies): what a
    /// recording without colour shows, and proof that every distinction survives it.
    static func dump(_ screen: Screen, theme: Theme) -> String {
        var mask: [String] = []
        for y in 0..<screen.height {
            var line = ""
            for x in 0..<screen.width where !screen[x, y].continuation {
                let style = theme.style(screen[x, y].role, on: screen[x, y].backdrop)
                line.append(style.reverse ? "R" : style.bold ? "B" : style.underline ? "U" : style.dim ? "D" : ".")
            }
            mask.append(line)
        }
        return screen.text + "\n--- attributes (\(theme.name)) ---\n" + mask.joined(separator: "\n") + "\n"
            + colours(screen, theme: theme)
    }

    /// The foreground and background colour of every cell under `theme`, one letter per
    /// colour pair with the key to the letters below, so a colour regression fails a test as
    /// surely as a text one. Empty for a theme that uses no colour (mono).
    static func colours(_ screen: Screen, theme: Theme) -> String {
        var letters: [String: Character] = [:]
        var key: [String] = []
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var rows: [String] = []
        for y in 0..<screen.height {
            var line = ""
            for x in 0..<screen.width where !screen[x, y].continuation {
                let style = theme.style(screen[x, y].role, on: screen[x, y].backdrop)
                let pair = "\(name(style.foreground))/\(name(style.background))"
                if letters[pair] == nil {
                    letters[pair] = alphabet[min(letters.count, alphabet.count - 1)]
                    key.append("\(alphabet[min(letters.count - 1, alphabet.count - 1)]) \(pair)")
                }
                line.append(letters[pair] ?? "?")
            }
            rows.append(line)
        }
        guard letters.keys.contains(where: { $0 != "default/default" }) else { return "" }
        return "--- colours fg/bg (\(theme.name)) ---\n" + rows.joined(separator: "\n") + "\n" + key.joined(separator: "\n") + "\n"
    }

    private static func name(_ colour: Color) -> String {
        switch colour {
        case .terminalDefault: "default"
        case .ansi(let n): "ansi\(n)"
        case .indexed(let n): "\(n)"
        case .rgb(let r, let g, let b): String(format: "#%02x%02x%02x", r, g, b)
        }
    }

    static func assertMatches(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = directory.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["CDNTOP_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "screen \(name) differs from Snapshots/\(name).txt", sourceLocation: sourceLocation)
    }
}
