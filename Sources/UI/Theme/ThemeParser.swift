import Foundation
import TOMLFile
import TOMLKit

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

    public static func parse(_ text: String, file: String, defaultName: String) throws(TOMLFileError) -> Theme {
        let root = try TOMLFile(text: text, path: file).root
        try root.rejectUnknownKeys(allowed: ["name", "description", "roles"])
        var theme = Theme(name: try root.string("name") ?? defaultName, styles: [:])
        _ = try root.string("description")
        guard let roles = try root.table("roles", what: "must be a table: write [roles]") else { return theme }
        for key in roles.keys.sorted() {
            guard let role = Role(rawValue: key) else {
                throw roles.error(key, "unknown role; roles: " + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let entry = try roles.table(key, what: "must be an inline table, e.g. \(key) = { fg = \"red\", bold = true }") else {
                continue
            }
            theme.styles[role] = try style(entry)
        }
        return theme
    }

    private static func style(_ entry: TOMLSection) throws(TOMLFileError) -> Style {
        try entry.rejectUnknownKeys(allowed: styleKeys)
        func color(_ key: String) throws(TOMLFileError) -> Color {
            guard let value = entry[key] else { return .terminalDefault }
            let text = value.string ?? value.int.map(String.init) ?? ""
            guard let color = Color(themeValue: text) else {
                throw entry.error(key, "\"\(text)\" is not a colour: use default, an ANSI name (red, bright_blue…), 0–255 or #rrggbb")
            }
            return color
        }
        return Style(foreground: try color("fg"), background: try color("bg"), bold: try entry.bool("bold") ?? false,
                     dim: try entry.bool("dim") ?? false, underline: try entry.bool("underline") ?? false,
                     reverse: try entry.bool("reverse") ?? false)
    }
}
