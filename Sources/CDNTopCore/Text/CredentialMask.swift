/// Removes passwords from URLs before text leaves cdntop: `https://user:pass@host/` and
/// `postgres://user:pass@host/db` become `https://user@host/` and `postgres://user@host/db`.
///
/// It works on any text, not only on a bare URL, because URLs reach the user inside messages
/// ("cannot open postgres://…: refused"), log lines and config errors; every boundary where
/// text is printed, logged, drawn or stored passes it through here. The user name stays, so a
/// reader can still tell which account was meant.
public enum CredentialMask {
    /// `text` with the password of every `scheme://user:password@host` in it removed.
    public static func masked(_ text: String) -> String {
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
}
