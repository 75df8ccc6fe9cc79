/// The seven regions cdntop uses both for vantage points and for the POPs that served them.
///
/// The Middle East stands apart from Asia on purpose: CDN latency there differs sharply from
/// East Asia (681 ms against ~500 ms in the story), and a merged row would hide it.
public enum Continent: String, CaseIterable, Sendable, Codable, Hashable {
    case northAmerica = "North America"
    case southAmerica = "South America"
    case europe = "Europe"
    case africa = "Africa"
    case middleEast = "Middle East"
    case asia = "Asia"
    case oceania = "Oceania"

    /// Position in the continent order, unknown last: how tables order their rows.
    public static func rank(_ continent: Continent?) -> Int {
        continent.flatMap { allCases.firstIndex(of: $0) } ?? allCases.count
    }

    /// Accepts the display name in any letter case, with spaces, dashes or underscores
    /// ("north-america", "Middle East"), as people write it in config files.
    public init?(name: String) {
        func key(_ text: String) -> String {
            text.lowercased().filter { $0.isLetter }
        }
        guard let match = Continent.allCases.first(where: { key($0.rawValue) == key(name) }) else {
            return nil
        }
        self = match
    }
}
