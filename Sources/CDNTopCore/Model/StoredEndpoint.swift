/// An endpoint as the probe database knows it: enough to group and label a report without the
/// config, which may have changed (or be absent) by the time the report is made.
public struct StoredEndpoint: Sendable, Hashable {
    public var name: String
    /// Endpoints of one site are compared with each other.
    public var site: String
    /// Never holds a password (see `CredentialMask`): reports, exports and the UI show it.
    public var url: String
    /// The endpoint is its site's no-CDN baseline (`origin = true` in the config).
    public var isOrigin: Bool

    public init(name: String, site: String, url: String, isOrigin: Bool = false) {
        self.name = name
        self.site = site
        self.url = CredentialMask.masked(url)
        self.isOrigin = isOrigin
    }
}
