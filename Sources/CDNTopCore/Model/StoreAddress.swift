/// Where a probe database is, as `--db` or `[database]` names it: a file (SQLite, the
/// embedded default) or a PostgreSQL connection string — a URI (`postgres://…` /
/// `postgresql://…`) or libpq's `host=… dbname=…` form — the database many agents share.
public enum StoreAddress: Hashable, Sendable {
    case file(path: String)
    case postgres(uri: String)

    public init(_ text: String) {
        self = Self.isConnectionURI(text) || Self.isConnectionKeywords(text) ? .postgres(uri: text) : .file(path: text)
    }

    /// True for the URI schemes libpq accepts.
    public static func isConnectionURI(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// True for libpq's keyword form, `host=db.internal dbname=probes user=cdntop`: a string
    /// that starts with one of libpq's connection keywords and `=`. Without this it would be
    /// taken for a file name and a SQLite database created under it.
    public static func isConnectionKeywords(_ text: String) -> Bool {
        let trimmed = text.drop { $0 == " " }
        guard let equals = trimmed.firstIndex(of: "=") else { return false }
        return connectionKeywords.contains(trimmed[..<equals].trimmingCharacters(in: .whitespaces))
    }

    private static let connectionKeywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "sslmode",
        "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "options",
        "target_session_attrs", "channel_binding", "gssencmode",
    ]

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
