import CDNTopCore
import Testing

@Suite("POP metros")
struct GeographyPOPMetrosTests {
    /// Each city as every provider spells its POP there, in the header form the provider sends.
    static let cities: [(iata: String, city: String, country: String, pops: [(Provider, String)])] = [
        ("JNB", "Johannesburg", "ZA", [(.cloudflare, "JNB"), (.fastly, "JNB"), (.fly, "jnb"), (.keycdn, "zajn"),
                                       (.bunny, "JH1"), (.cloudfront, "JNB50-P1"), (.tigris, "jnb")]),
        ("FRA", "Frankfurt", "DE", [(.cloudflare, "FRA"), (.fastly, "FRA"), (.fly, "fra"), (.keycdn, "defr"),
                                    (.bunny, "DE1"), (.cloudfront, "FRA56-P5"), (.vercel, "fra1"), (.tigris, "fra")]),
        ("SYD", "Sydney", "AU", [(.cloudflare, "SYD"), (.fastly, "SYD"), (.fly, "syd"), (.keycdn, "ausy"),
                                 (.bunny, "SYD1"), (.cloudfront, "SYD62-P2"), (.vercel, "syd1")]),
        // Several airports, one metro: Cloudflare's LHR, Fastly's LCY, Fly's lhr, KeyCDN's uklo, Bunny's UK1.
        ("LON", "London", "GB", [(.cloudflare, "LHR"), (.fastly, "LCY"), (.fly, "lhr"), (.keycdn, "uklo"),
                                 (.bunny, "UK1"), (.cloudfront, "LHR61-C1"), (.vercel, "lhr1")]),
        ("NYC", "New York", "US", [(.cloudflare, "EWR"), (.fastly, "LGA"), (.fly, "ewr"), (.keycdn, "usny"),
                                   (.bunny, "NY1"), (.cloudfront, "JFK50-C1")]),
    ]

    @Test("one city has one metro whatever the provider calls its POP", arguments: cities.map(\.iata))
    func oneCityOneMetro(_ iata: String) throws {
        let city = try #require(Self.cities.first { $0.iata == iata })
        for (provider, pop) in city.pops {
            let metro = POPMetros.metro(provider: provider, pop: pop)
            #expect(metro?.iata == city.iata, "\(provider) \(pop)")
            #expect(metro?.city == city.city, "\(provider) \(pop)")
            #expect(metro?.country == city.country, "\(provider) \(pop)")
        }
    }

    @Test("the metro agrees with the region the classifier gives the POP")
    func metroCarriesRegion() {
        #expect(POPMetros.metro(provider: .bunny, pop: "JH1")?.continent == .africa)
        #expect(POPMetros.metro(provider: .fly, pop: "vvo")?.continent == .asia)  // Russia east of the Urals
        #expect(POPMetros.metro(provider: .keycdn, pop: "uklo")?.continent == .europe)
    }

    @Test("Bunny region codes that are not countries name their city")
    func bunnyCityCodes() {
        // "CA" is Toronto, "PA" Porto Alegre, "LA" Los Angeles: not Canada, Panama or Laos.
        #expect(POPMetros.metro(provider: .bunny, pop: "CA1")?.iata == "YTO")
        #expect(POPMetros.metro(provider: .bunny, pop: "PA1")?.country == "BR")
        #expect(POPMetros.metro(provider: .bunny, pop: "LA1")?.iata == "LAX")
        #expect(POPMetros.metro(provider: .bunny, pop: "ASB1")?.iata == "WAS")
    }

    @Test("a code that names only a country gives the country and no city")
    func countryOnly() throws {
        // Bunny publishes no "ZA" region (Johannesburg is JH, Cape Town CT); KeyCDN's "deXX" for
        // an unlisted German city. Neither is guessed.
        let bunny = try #require(POPMetros.metro(provider: .bunny, pop: "ZA1"))
        #expect(bunny.iata == nil && bunny.city == nil && bunny.country == "ZA" && bunny.continent == .africa)
        let keycdn = try #require(POPMetros.metro(provider: .keycdn, pop: "demu"))
        #expect(keycdn.iata == nil && keycdn.city == nil && keycdn.country == "DE")
        #expect(POPMetros.metro(provider: .keycdn, pop: "ukma")?.country == "GB")
    }

    @Test("unknown codes and providers without POP names give no metro", arguments: [
        (Provider.cloudflare, "ZZZ"), (.fastly, "XQX"), (.fly, "zz"), (.keycdn, "zzzz"), (.bunny, "QQ1"),
        (.akamai, "23.45.67.89"), (.netlify, "FRA"), (.nginx, "FRA"), (.vercel, "1sfo"),
    ] as [(Provider, String)])
    func unknown(_ provider: Provider, _ pop: String) {
        #expect(POPMetros.metro(provider: provider, pop: pop) == nil)
    }

    @Test("no provider or no POP, no metro")
    func missingInputs() {
        #expect(POPMetros.metro(provider: nil, pop: "FRA") == nil)
        #expect(POPMetros.metro(provider: .fastly, pop: nil) == nil)
    }

    @Test("hostile codes from an old database are not looked up", arguments: [
        "\u{1B}[31mJNB", "JNB\u{7}", "ЈNB", "J NB", "JNB\n", String(repeating: "A", count: 65), "",
    ])
    func hostile(_ pop: String) {
        for provider in [Provider.cloudflare, .keycdn, .bunny, .fly] {
            #expect(POPMetros.metro(provider: provider, pop: pop) == nil, "\(provider)")
        }
    }

    @Test("labels put the metro first and keep the provider's code beside it")
    func labels() throws {
        #expect(try #require(POPMetros.metro(provider: .keycdn, pop: "zajn")).label(pop: "zajn") == "JNB Johannesburg (zajn)")
        #expect(try #require(POPMetros.metro(provider: .fly, pop: "jnb")).label(pop: "jnb") == "JNB Johannesburg")
        #expect(try #require(POPMetros.metro(provider: .fastly, pop: "LCY")).label(pop: "LCY") == "LON London (LCY)")
        #expect(try #require(POPMetros.metro(provider: .bunny, pop: "ZA1")).label(pop: "ZA1") == "ZA (ZA1)")
    }

    @Test("a probe's metro follows its provider and POP")
    func probeResult() {
        var probe = ProbeResult(timestamp: .now, endpoint: "keycdn", site: "s", url: "https://s/",
                                vantage: Vantage(label: "af-south"), provider: .keycdn, ok: true, pop: "zajn")
        #expect(probe.popMetro?.iata == "JNB")
        probe.pop = nil
        #expect(probe.popMetro == nil)
    }
}
