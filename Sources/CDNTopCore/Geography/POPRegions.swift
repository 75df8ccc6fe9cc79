/// Places POP codes, countries and vantage labels in one of the seven regions (`Continent`).
///
/// The data comes from `POPRegionTable.generated.swift` (written by
/// `scripts/generate_pop_regions.py` from the `airportsdata` package and the providers'
/// published POP lists), which also gives every POP its metro (`Metro`, `POPMetros`). It is kept as text and
/// parsed on first use: a dictionary literal that size takes the type checker minutes, and a
/// bundled resource breaks when the binary is copied. `static let` makes the one-time parse
/// thread-safe.
public enum POPRegions {
    /// The region of an IATA airport or metropolitan code ("IAD", "fra", "CHI").
    /// Exactly three letters, any case: POP names with a site number ("sfo1", "FRA56-P5")
    /// are the caller's to trim, because each provider numbers its sites differently.
    public static func continent(iata: String) -> Continent? {
        metro(iata: iata)?.continent
    }

    /// The metro an IATA airport or metropolitan code belongs to: "LHR" and "LON" are both
    /// LON London, "jnb" is JNB Johannesburg. Exactly three letters, any case.
    public static func metro(iata: String) -> Metro? {
        guard iata.utf8.count == 3, iata.allSatisfy(CodeText.isLetter) else { return nil }
        return places[iata.uppercased()]
    }

    /// A metro that knows only its country ("DE", "uk"), for provider codes that name a
    /// country without saying which of its cities.
    static func metro(countryOnly code: String) -> Metro? {
        guard let continent = continent(country: code) else { return nil }
        let country = code.uppercased()
        return Metro(iata: nil, city: nil, country: country == "UK" ? "GB" : country, continent: continent)
    }

    /// The region of an ISO 3166-1 alpha-2 country code, any case ("DE", "us").
    /// Also accepts "UK", which ISO reserves for the United Kingdom and CDNs use.
    public static func continent(country: String) -> Continent? {
        guard country.utf8.count == 2, country.allSatisfy(CodeText.isLetter) else { return nil }
        return countries[country.uppercased()]
    }

    /// Derives the region of a vantage label such as "eu-west", "us-east-1", "ap-southeast",
    /// "fra", "Europe", "me-central", "sa-east", "af-south", "oc" or "au-syd".
    ///
    /// Labels follow the cloud providers' habits, so they are read in this order:
    /// 1. a region's own name ("Europe", "middle-east");
    /// 2. a few cloud regions whose prefix lies about their place (AWS's ap-southeast-2 is
    ///    Sydney, not Asia);
    /// 3. the first word as a cloud-region prefix ("eu", "us", "ap", "me", "sa", "af", "jp", …,
    ///    and GCP's "europe", "asia", "australia", …). These win over ISO codes that look the
    ///    same: "me-central" is the Middle East, not Montenegro, "sa-east" is South America,
    ///    not Saudi Arabia;
    /// 4. the first word as an IATA code, trailing site digits ignored ("fra", "sfo1");
    /// 5. a place name between compass words, as Azure writes regions ("westeurope",
    ///    "southafricanorth", "uaenorth").
    ///
    /// Other two-letter words are not read as countries: "ci-runner" or "my-laptop" would
    /// land in Côte d'Ivoire or Malaysia. A three-letter first word is read as an airport
    /// ("box" is one, in Australia); a vantage point whose label misleads sets its continent
    /// in the config instead.
    public static func continent(vantageLabel: String) -> Continent? {
        if let named = Continent(name: vantageLabel) { return named }
        let label = vantageLabel.lowercased()
        if let known = VantageLabel.cloudRegionExceptions[label] { return known }
        let words = label.split { !(CodeText.isLetter($0) || CodeText.isDigit($0)) }
        if let first = words.first {
            let letters = CodeText.letterPrefix(first)
            if let prefixed = VantageLabel.prefixes[letters] { return prefixed }
            if letters.count == 3, let airport = continent(iata: letters) { return airport }
        }
        return VantageLabel.placeName(in: label.filter(CodeText.isLetter))
    }

    private static let countries: [String: Continent] = {
        var table: [String: Continent] = [:]
        for line in countryTable.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let region = Continent(rawValue: String(fields[1])) else { continue }
            table[String(fields[0])] = region
        }
        return table
    }()

    /// IATA code → metro, from lines "IATA|CC|METRO|City|Region" (see the generated table).
    private static let places: [String: Metro] = {
        var lines: [String: [Substring]] = [:]
        for line in placeTable.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            if fields.count == 5 { lines[String(fields[0])] = fields }
        }
        var table: [String: Metro] = [:]
        for (code, fields) in lines {
            let metro = fields[2].isEmpty ? code : String(fields[2])
            let city = lines[metro]?[3] ?? fields[3]
            table[code] = Metro(iata: metro, city: city.isEmpty ? nil : String(city), country: String(fields[1]),
                                continent: Continent(rawValue: String(fields[4])) ?? countries[String(fields[1])])
        }
        return table
    }()
}

/// The vocabulary of vantage labels: cloud region prefixes and names.
private enum VantageLabel {
    /// Whole labels whose prefix says one region while the place is in another.
    static let cloudRegionExceptions: [String: Continent] = [
        "ap-southeast-2": .oceania,   // AWS Sydney
        "ap-southeast-4": .oceania,   // AWS Melbourne
        "ap-southeast-6": .oceania,   // AWS New Zealand
    ]

    /// First words of cloud region names (AWS "eu-west-1", GCP "europe-west1", Oracle
    /// "jp-tokyo-1", Alibaba "cn-hangzhou") and the short forms people write ("oc", "na").
    static let prefixes: [String: Continent] = [
        "eu": .europe, "europe": .europe, "uk": .europe,
        "us": .northAmerica, "na": .northAmerica, "ca": .northAmerica, "mx": .northAmerica,
        "northamerica": .northAmerica,
        "sa": .southAmerica, "southamerica": .southAmerica, "br": .southAmerica, "latam": .southAmerica,
        "af": .africa, "africa": .africa,
        "me": .middleEast, "mideast": .middleEast, "middleeast": .middleEast, "il": .middleEast,
        "ap": .asia, "asia": .asia, "apac": .asia, "jp": .asia, "kr": .asia, "cn": .asia,
        "sg": .asia, "hk": .asia, "tw": .asia,
        "oc": .oceania, "oceania": .oceania, "au": .oceania, "australia": .oceania, "nz": .oceania,
    ]

    /// Place names that Azure-style labels wrap in compass words ("westeurope", "japaneast").
    static let placeNames: [String: Continent] = [
        "europe": .europe, "uk": .europe, "france": .europe, "germany": .europe, "sweden": .europe,
        "norway": .europe, "switzerland": .europe, "poland": .europe, "italy": .europe, "spain": .europe,
        "us": .northAmerica, "canada": .northAmerica, "mexico": .northAmerica,
        "brazil": .southAmerica, "chile": .southAmerica,
        "africa": .africa,
        "uae": .middleEast, "qatar": .middleEast, "israel": .middleEast, "saudiarabia": .middleEast,
        "asia": .asia, "japan": .asia, "korea": .asia, "india": .asia, "indonesia": .asia,
        "malaysia": .asia, "taiwan": .asia,
        "australia": .oceania, "newzealand": .oceania,
    ]

    private static let compassWords = ["north", "south", "east", "west", "central"]

    /// The region of a run-together label once its leading and trailing compass words are
    /// removed: "southafricanorth" → "africa". Only an exact place name counts, so
    /// "indianapolis" is not India.
    static func placeName(in letters: String) -> Continent? {
        var rest = Substring(letters)
        var trimmed = true
        while trimmed {
            trimmed = false
            for word in compassWords {
                if rest.hasPrefix(word) { rest = rest.dropFirst(word.count); trimmed = true }
                if rest.hasSuffix(word) { rest = rest.dropLast(word.count); trimmed = true }
            }
        }
        return placeNames[String(rest)]
    }
}
