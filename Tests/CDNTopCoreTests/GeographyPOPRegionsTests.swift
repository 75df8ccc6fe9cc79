import CDNTopCore
import Testing

@Suite("POP regions")
struct GeographyPOPRegionsTests {
    @Test("airports land in their region", arguments: [
        ("IAD", .northAmerica), ("FRA", .europe), ("DXB", .middleEast), ("SYD", .oceania),
        ("GRU", .southAmerica), ("JNB", .africa), ("NRT", .asia), ("SJC", .northAmerica),
        ("CDG", .europe), ("SIN", .asia), ("BOM", .asia), ("AKL", .oceania), ("EZE", .southAmerica),
        ("LOS", .africa), ("TLV", .middleEast), ("DOH", .middleEast),
    ] as [(String, Continent)])
    func airports(_ code: String, _ expected: Continent) {
        #expect(POPRegions.continent(iata: code) == expected)
    }

    @Test("edge cases of the country table", arguments: [
        ("IST", .europe),        // Turkey: Istanbul POPs hang off European backbones
        ("CAI", .middleEast),    // Egypt: part of the conventional Middle East
        ("LCA", .europe),        // Cyprus: EU member
        ("SVO", .europe),        // Moscow
        ("VVO", .asia),          // Vladivostok: Russia east of the Urals
        ("OVB", .asia),          // Novosibirsk
        ("TBS", .europe),        // Georgia: Caucasus with Europe
        ("ALA", .asia),          // Kazakhstan: Central Asia
        ("PTY", .northAmerica),  // Panama: Central America
        ("SJU", .northAmerica),  // Puerto Rico: Caribbean
        ("HNL", .northAmerica),  // Hawaii stays with the US
        ("GUM", .oceania),       // Guam
        ("MRU", .africa),        // Mauritius
        ("MLE", .asia),          // Maldives
        ("CHI", .northAmerica),  // IATA city code, not an airport
        ("STO", .europe),        // IATA city code for Stockholm
    ] as [(String, Continent)])
    func edgeCases(_ code: String, _ expected: Continent) {
        #expect(POPRegions.continent(iata: code) == expected)
    }

    @Test("IATA lookups ignore case and accept exactly three ASCII letters")
    func iataShape() {
        #expect(POPRegions.continent(iata: "iad") == .northAmerica)
        #expect(POPRegions.continent(iata: "Fra") == .europe)
        for invalid in ["", "IA", "IADX", "sfo1", "IA1", "ÍAD", "І AD", " IAD", "ZZZ"] {
            #expect(POPRegions.continent(iata: invalid) == nil, "\(invalid)")
        }
    }

    @Test("the Middle East is its own region", arguments: [
        "AE", "BH", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "YE",
    ])
    func middleEast(_ country: String) {
        #expect(POPRegions.continent(country: country) == .middleEast)
    }

    @Test("countries, any case", arguments: [
        ("DE", .europe), ("us", .northAmerica), ("Br", .southAmerica), ("ZA", .africa),
        ("JP", .asia), ("AU", .oceania), ("GB", .europe), ("UK", .europe), ("TR", .europe),
        ("EG", .middleEast), ("RU", .europe), ("XK", .europe), ("MX", .northAmerica), ("CU", .northAmerica),
        ("GL", .northAmerica), ("KZ", .asia), ("AM", .europe),
    ] as [(String, Continent)])
    func countries(_ code: String, _ expected: Continent) {
        #expect(POPRegions.continent(country: code) == expected)
    }

    @Test("codes that are not countries", arguments: ["", "D", "DEU", "ZZ", "AQ", "1A", "ДЕ"])
    func notCountries(_ code: String) {
        #expect(POPRegions.continent(country: code) == nil)
    }

    @Test("the generated tables parse completely")
    func tablesAreComplete() {
        let letters = (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { Character(Unicode.Scalar($0)) }
        let countryCodes = letters.flatMap { a in letters.map { b in String([a, b]) } }
        let airportCodes = countryCodes.flatMap { pair in letters.map { pair + String($0) } }
        // 249 ISO codes, Kosovo and the UK alias, less five territories without a region.
        #expect(countryCodes.filter { POPRegions.continent(country: $0) != nil }.count == 246)
        // airportsdata lists ~7,900 IATA codes; every one must resolve.
        #expect(airportCodes.filter { POPRegions.continent(iata: $0) != nil }.count > 7_800)
    }

    @Test("vantage labels", arguments: [
        ("eu-west", .europe), ("us-east-1", .northAmerica), ("ap-southeast", .asia),
        ("ap-southeast-2", .oceania), ("fra", .europe), ("Europe", .europe), ("me-central", .middleEast),
        ("sa-east", .southAmerica), ("af-south", .africa), ("oc", .oceania), ("au-syd", .oceania),
        ("north-america", .northAmerica), ("Middle East", .middleEast), ("europe-west1", .europe),
        ("asia-northeast1", .asia), ("australia-southeast1", .oceania),
        ("southamerica-east1", .southAmerica), ("northamerica-northeast1", .northAmerica),
        ("westeurope", .europe), ("uaenorth", .middleEast), ("southafricanorth", .africa),
        ("japaneast", .asia), ("brazilsouth", .southAmerica), ("sfo1", .northAmerica),
        ("IAD", .northAmerica), ("jp-tokyo-1", .asia), ("cn-hangzhou", .asia), ("ca-central-1", .northAmerica),
        ("southeastasia", .asia), ("eastus2", .northAmerica), ("germanywestcentral", .europe),
        ("il-central-1", .middleEast), ("eu_central", .europe),
    ] as [(String, Continent)])
    func vantageLabels(_ label: String, _ expected: Continent) {
        #expect(POPRegions.continent(vantageLabel: label) == expected)
    }

    @Test("vantage labels that say nothing about a place", arguments: [
        "", "home-office", "laptop", "lab", "-", "ci-runner", "my-laptop", "indianapolis", "caucasian",
        "north", "🙂",
    ])
    func unplacedVantageLabels(_ label: String) {
        #expect(POPRegions.continent(vantageLabel: label) == nil)
    }
}
