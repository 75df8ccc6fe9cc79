/// Where a probe database is, as `--db` or `[database]` names it: a file (SQLite, the
/// embedded default) or a PostgreSQL connection URI (`postgres://…` / `postgresql://…`), the
/// database many agents share.
public enum StoreAddress: Hashable, Sendable {
    case file(path: String)
    case postgres(uri: String)

    public init(_ text: String) {
        self = Self.isConnectionURI(text) ? .postgres(uri: text) : .file(path: text)
    }

    /// True for the URI schemes libpq accepts.
    public static func isConnectionURI(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Safe to print, log, draw or store: a URI loses its password.
    public var display: String {
        switch self {
        case .file(let path): path
        case .postgres(let uri): CredentialMask.masked(uri)
        }
    }
}

/// A stable agent id: what every probe row carries to tell agents apart, so it must survive
/// restarts and read well in a header ("eu-west-1a", "fra-vm-3c9e").
public enum AgentID {
    public static let maxLength = 64

    /// Why `id` cannot be an agent id, nil when it can.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "an agent id cannot be empty" }
        if id.utf8.count > maxLength { return "an agent id has at most \(maxLength) characters" }
        let allowed = id.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        }
        return allowed ? nil : "\"\(id)\" is not an agent id: use letters, digits, '-', '_' and '.'"
    }
}
