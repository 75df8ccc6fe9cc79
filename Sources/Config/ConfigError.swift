/// A config file problem, located as precisely as the file allows so the fix is obvious:
/// `config.toml:14: endpoint "fastly": interval: "60" is not a duration (write 60s, 5m or 1h)`.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var endpoint: String?
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, endpoint: String? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.endpoint = endpoint
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let endpoint { text += "endpoint \"\(endpoint)\": " }
        if let key { text += "\(key): " }
        return text + message
    }
}
