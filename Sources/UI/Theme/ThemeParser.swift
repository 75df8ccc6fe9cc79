import Foundation
import TOMLKit

/// A theme file that cannot be used, with the file, line and key to fix.
public struct ThemeError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var message: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// Reads a theme file:
/// ```toml
/// name = "light"                       # optional, defaults to the file name
/// [roles]
/// text  = { fg = "default" }
/// title = { fg = "#ffffff", bg = "24", bold = true }
/// ```
/// Colours are `default`, an ANSI name (`red`, `bright_blue`…), a palette index `0`–`255` or
/// `#rrggbb`; attributes are `bold`, `dim`, `underline`, `reverse`. Roles left out fall back
/// to the built-in default; unknown roles and keys are errors, so a typo is not silently ignored.
public enum ThemeParser {
    static let styleKeys: Set<String> = ["fg", "bg", "bold", "dim", "underline", "reverse"]

    public static func parse(_ text: String, file: String, defaultName: String) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(file: file, line: error.source.begin.line, message: "not valid TOML: \(error.description)")
        } catch {
            throw ThemeError(file: file, line: nil, message: "not valid TOML: \(error)")
        }
        for key in table.keys where key != "name" && key != "roles" && key != "description" {
            throw ThemeError(file: file, line: line(of: key, in: text),
                             message: "unknown key \"\(key)\": a theme has name, description and [roles]")
        }
        var theme = Theme(name: table["name"]?.string ?? defaultName, styles: [:])
        guard let roles = table["roles"] else { return theme }
        guard let rolesTable = roles.table else {
            throw ThemeError(file: file, line: line(of: "roles", in: text), message: "roles must be a table: write [roles]")
        }
        for key in rolesTable.keys.sorted() {
            let location = line(of: key, in: text)
            guard let role = Role(rawValue: key) else {
                throw ThemeError(file: file, line: location, message: "unknown role \"\(key)\"; roles: "
                                 + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let entry = rolesTable[key]?.table else {
                throw ThemeError(file: file, line: location,
                                 message: "roles.\(key) must be an inline table, e.g. \(key) = { fg = \"red\", bold = true }")
            }
            theme.styles[role] = try style(entry, role: key, file: file, line: location)
        }
        return theme
    }

    private static func style(_ entry: TOMLTable, role: String, file: String, line: Int?) throws(ThemeError) -> Style {
        for key in entry.keys where !styleKeys.contains(key) {
            throw ThemeError(file: file, line: line, message: "roles.\(role): unknown key \"\(key)\"; use "
                             + styleKeys.sorted().joined(separator: ", "))
        }
        func color(_ key: String) throws(ThemeError) -> Color {
            guard let value = entry[key] else { return .terminalDefault }
            let text = value.string ?? value.int.map(String.init) ?? ""
            guard let color = Color(themeValue: text) else {
                throw ThemeError(file: file, line: line, message: "roles.\(role).\(key): \"\(text)\" is not a colour: use "
                                 + "default, an ANSI name (red, bright_blue…), 0–255 or #rrggbb")
            }
            return color
        }
        func flag(_ key: String) throws(ThemeError) -> Bool {
            guard let value = entry[key] else { return false }
            guard let bool = value.bool else {
                throw ThemeError(file: file, line: line, message: "roles.\(role).\(key) must be true or false")
            }
            return bool
        }
        return Style(foreground: try color("fg"), background: try color("bg"), bold: try flag("bold"),
                     dim: try flag("dim"), underline: try flag("underline"), reverse: try flag("reverse"))
    }

    /// The first line assigning `key` at the start of a line: TOMLKit reports no positions
    /// for values, and a user fixing a colour wants the line.
    static func line(of key: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.drop { $0 == " " || $0 == "\t" }
            if content.hasPrefix("[\(key)]") { return index + 1 }
            guard content.hasPrefix(key) else { continue }
            if content.dropFirst(key.count).drop(while: { $0 == " " }).first == "=" { return index + 1 }
        }
        return nil
    }
}
