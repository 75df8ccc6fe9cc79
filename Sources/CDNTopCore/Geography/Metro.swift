/// The city a POP stands in, named the same way whatever the provider calls the POP:
/// Cloudflare's `JNB`, Fly's `jnb`, KeyCDN's `zajn` and Bunny's `JH1` are all JNB, Johannesburg.
public struct Metro: Sendable, Hashable {
    /// The IATA code of the city: the metropolitan-area code where IATA groups several
    /// airports under one ("LON" for LHR and LCY, "NYC" for JFK and EWR), otherwise the
    /// airport's own. Nil when the provider's code tells only the country.
    public var iata: String?
    /// The city's name in English ("Johannesburg"); nil when unknown.
    public var city: String?
    /// ISO 3166-1 alpha-2 ("ZA"); the United Kingdom is "GB" even where a provider says "UK".
    public var country: String
    /// The region of the city; for Russia it depends on the side of the Urals, not the country.
    public var continent: Continent?

    public init(iata: String?, city: String?, country: String, continent: Continent?) {
        self.iata = iata
        self.city = city
        self.country = country
        self.continent = continent
    }

    /// The metro with the POP's own code beside it unless that is the metro's code in another
    /// case: "JNB Johannesburg (zajn)", "JNB Johannesburg" for `jnb`, "ZA (ZA1)" when only the
    /// country is known.
    public func label(pop: String) -> String {
        let name = [iata, city].compactMap { $0 }.joined(separator: " ")
        let head = name.isEmpty ? country : name
        return iata?.caseInsensitiveEquals(pop) == true ? head : "\(head) (\(pop))"
    }
}

extension String {
    fileprivate func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
