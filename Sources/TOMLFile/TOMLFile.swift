import Foundation
import TOMLKit

/// A TOML file read for cdntop: its root table, and where every table and key sits in the
/// text, because TOMLKit reports lines only for syntax errors and a user fixing a bad value
/// wants to be sent to its line. Configs, themes and scenarios are all read through here, so
/// they share one error form and one rule: unknown keys are errors, never ignored.
public struct TOMLFile {
    public let path: String
    /// The top level of the file.
    public let root: TOMLSection

    /// Reads the file at `path`: a missing, unreadable or non-UTF-8 file is an error naming it.
    public static func load(path: String) throws(TOMLFileError) -> TOMLFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TOMLFileError(file: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw TOMLFileError(file: path, message: "is a directory, not a file: name the .toml file inside it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TOMLFileError(file: path, message: "cannot read the file: check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TOMLFileError(file: path, message: "not UTF-8 text: TOML files must be UTF-8")
        }
        return try TOMLFile(text: text, path: path)
    }

    /// Parses `text`; `path` only names the source in error messages.
    public init(text: String, path: String) throws(TOMLFileError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw TOMLFileError(file: path, line: error.source.begin.line, message: "TOML syntax: \(error.description)")
        } catch {
            throw TOMLFileError(file: path, message: "TOML syntax: \(error)")
        }
        self.path = path
        root = TOMLSection(table: table, place: .init(file: path, lines: SourceLines(text)))
    }
}
