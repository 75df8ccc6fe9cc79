/// Where the probes were sent from: a free-form label ("eu-west", "fra", "home-office") and,
/// when known, the continent it stands for, so region tables can group vantage points.
public struct Vantage: Sendable, Hashable, Codable {
    public var label: String
    public var continent: Continent?

    public init(label: String, continent: Continent? = nil) {
        self.label = label
        self.continent = continent
    }
}
