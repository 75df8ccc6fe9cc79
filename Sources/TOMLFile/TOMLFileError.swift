import CDNTopCore

/// A TOML file (config, theme, scenario) that cannot be used, located as precisely as the file
/// allows so the fix is obvious:
/// `config.toml:14: endpoint "fastly": interval: "60" is not a duration (write 60s, 5m or 1h)`.
public struct TOMLFileError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// The array element the key belongs to, once it has a name: `endpoint "fastly"`, `edge "x"`.
    public var context: String?
    /// The key as written from its table: `interval`, `agent.region`, `roles.best.fg`.
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, context: String? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.context = context
        self.key = key
        self.message = message
    }

    /// `file:line: context: key: message`. Values quoted from the file may be URLs, so
    /// passwords in them are masked, and may hold escape sequences, so those are removed.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let context { text += "\(context): " }
        if let key { text += "\(key): " }
        return Sanitizer.clean(CredentialMask.masked(text + message))
    }
}
