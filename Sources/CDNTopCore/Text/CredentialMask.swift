/// Removes passwords from URLs before text leaves cdntop: `https://user:pass@host/` and
/// `postgres://user:pass@host/db` become `https://user@host/` and `postgres://user@host/db`.
///
/// It works on any text, not only on a bare URL, because URLs reach the user inside messages
/// ("cannot open postgres://…: refused"), log lines and config errors; every boundary where
/// text is printed, logged, drawn or stored passes it through here. The user name stays, so a
/// reader can still tell which account was meant.
public enum CredentialMask {
    /// `text` with the password of every `scheme://user:password@host` in it removed, and
    /// every `password=…` parameter: a URI's query (`?sslmode=require&password=…`) and a libpq
    /// key=value connection string (`host=db password='s e' dbname=x`) can carry one too.
    public static func masked(_ text: String) -> String {
        withoutPasswordParameters(withoutURLPasswords(text))
    }

    private static func withoutURLPasswords(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            result += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            let authorityEnd = rest.firstIndex(where: isAuthorityEnd) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result += authority[..<colon]
                rest = rest[at...]
            }
        }
        return result + rest
    }

    /// Where a URL's `user:password@host:port` part ends: at its path, query or fragment, or
    /// where the URL itself ends inside a sentence or a quoted value.
    private static func isAuthorityEnd(_ character: Character) -> Bool {
        character.isWhitespace || "/?#\"'<>`".contains(character)
    }

    /// Removes each `password=value` (spaces around `=` allowed where pairs are separated by
    /// spaces, a value in single quotes with backslash escapes) with one separator beside it.
    private static func withoutPasswordParameters(_ text: String) -> String {
        guard text.lowercased().contains("password") else { return text }
        var characters = Array(text)
        var index = 0
        while let found = parameter(in: characters, from: index) {
            characters.removeSubrange(found)
            index = found.lowerBound
        }
        return String(characters)
    }

    /// The range to remove for the first `password=` parameter at or after `start`.
    private static func parameter(in characters: [Character], from start: Int) -> Range<Int>? {
        let key = Array("password")
        var position = start
        while position + key.count <= characters.count {
            defer { position += 1 }
            guard characters[position..<position + key.count].map({ Character($0.lowercased()) }) == key else { continue }
            let before: Character? = position > 0 ? characters[position - 1] : nil
            let inQuery = before == "?" || before == "&"
            guard before == nil || before!.isWhitespace || inQuery else { continue }
            var cursor = position + key.count
            if !inQuery { while cursor < characters.count, characters[cursor] == " " { cursor += 1 } }
            guard cursor < characters.count, characters[cursor] == "=" else { continue }
            cursor += 1
            if !inQuery { while cursor < characters.count, characters[cursor] == " " { cursor += 1 } }
            let end = valueEnd(in: characters, from: cursor, inQuery: inQuery)
            switch before {
            case "&": return position - 1..<end
            case "?" where end < characters.count && characters[end] == "&": return position..<end + 1
            case "?": return position - 1..<end
            case nil: return position..<(end < characters.count && characters[end].isWhitespace ? end + 1 : end)
            default: return position - 1..<end
            }
        }
        return nil
    }

    private static func valueEnd(in characters: [Character], from start: Int, inQuery: Bool) -> Int {
        var cursor = start
        if !inQuery, cursor < characters.count, characters[cursor] == "'" {
            cursor += 1
            while cursor < characters.count, characters[cursor] != "'" {
                cursor += characters[cursor] == "\\" ? 2 : 1
            }
            return min(cursor + 1, characters.count)
        }
        while cursor < characters.count, !characters[cursor].isWhitespace,
              !(inQuery && "&#\"'<>`".contains(characters[cursor])) {
            cursor += 1
        }
        return cursor
    }
}
