/// A POP code read from a response, and the region it stands for when that is known.
struct POPReading: Equatable {
    var code: String
    var region: Continent?
}

/// Where a provider names the POP that served a response, and how to place that name.
struct POPSource: Sendable {
    /// The header; its last list entry is the node nearest the client.
    var header: String
    var extraction: Extraction
    var locator: Locator

    /// How the POP code sits inside the header value.
    enum Extraction: Sendable {
        /// The whole value: CloudFront `FRA56-P5`, KeyCDN `defr`, Tigris `fra`.
        case whole
        /// After the last hyphen: Fastly `cache-sjc3120-SJC`, Cloudflare `8f1e…-SJC`,
        /// Fly `01H…-cdg`.
        case afterLastHyphen
        /// The middle field of Bunny's `BunnyCDN-DE1-601`.
        case bunnyServer
        /// The first `::` segment of Vercel's `sfo1::iad1::…` (the edge; later ones are
        /// function regions).
        case firstSegment
        /// The edge's IP, which Akamai spells as a host name inside `X-Cache`:
        /// `TCP_HIT from a23-45-67-89.deploy.akamaitechnologies.com …` → `23.45.67.89`.
        case akamaiEdgeIP
    }

    /// How a POP code maps to a region.
    enum Locator: Sendable {
        /// An IATA code, possibly followed by a site number: `SJC`, `sfo1`, `FRA56-P5`.
        case iata
        /// A country code followed by a city: KeyCDN's `defr` (the country TLD, so "uk").
        case countryPrefix
        /// Bunny's mix of country codes (`DE1`), city abbreviations (`NY1`, `LA1`) and
        /// airport codes (`PHX1`).
        case bunny
        /// No region can be read from the code (an Akamai edge IP).
        case unknown
    }

    func read(_ headers: ResponseHeaders) -> POPReading? {
        guard let entry = headers.list(header).last,
              let code = extract(entry), Self.isPlausibleCode(code),
              let output = ResponseHeaders.output(code) else { return nil }
        return POPReading(code: output, region: locate(output))
    }

    private func extract(_ entry: Substring) -> Substring? {
        switch extraction {
        case .whole:
            return entry
        case .afterLastHyphen:
            return entry.lastIndex(of: "-").map { entry[entry.index(after: $0)...] }
        case .bunnyServer:
            let fields = entry.split(separator: "-", omittingEmptySubsequences: false)
            guard fields.count >= 2, fields[0].lowercased() == "bunnycdn" else { return nil }
            return fields[1]
        case .firstSegment:
            return entry.split(separator: "::").first
        case .akamaiEdgeIP:
            return Self.akamaiEdgeIP(in: entry)
        }
    }

    private func locate(_ code: String) -> Continent? {
        let letters = CodeText.letterPrefix(code)
        switch locator {
        case .iata:
            return POPRegions.continent(iata: letters)
        case .countryPrefix:
            return POPRegions.continent(country: String(letters.prefix(2)))
        case .bunny:
            if let country = Self.bunnyCityCountries[letters.uppercased()] {
                return POPRegions.continent(country: country)
            }
            return letters.count == 2
                ? POPRegions.continent(country: letters)
                : POPRegions.continent(iata: letters)
        case .unknown:
            return nil
        }
    }

    /// Bunny POP names that are not the ISO country code they look like, or clash with an
    /// unrelated airport code. Seen in public `Server: BunnyCDN-…` headers: `NY1`, `LA1`
    /// (Laos in ISO), `JH` (Johannesburg), `ASB` (Ashburn; Ashgabat's airport), `WAR`
    /// (Warsaw; Waris, Indonesia). `UK` is handled by `POPRegions`; `CHI`, `STO`, `MIL` are
    /// IATA city codes.
    private static let bunnyCityCountries: [String: String] = [
        "NY": "US", "LA": "US", "JH": "ZA", "ASB": "US", "WAR": "PL",
    ]

    /// POP codes are short ASCII tokens. Anything else is garbage or an attack, and is
    /// dropped rather than stored.
    private static func isPlausibleCode(_ code: Substring) -> Bool {
        !code.isEmpty && code.count <= 64 && code.allSatisfy { character in
            CodeText.isLetter(character) || CodeText.isDigit(character) || "-_.".contains(character)
        }
    }

    private static func akamaiEdgeIP(in entry: Substring) -> Substring? {
        let words = entry.split(separator: " ")
        guard let from = words.firstIndex(where: { $0.lowercased() == "from" }),
              from + 1 < words.count else { return nil }
        let host = words[from + 1]
        guard host.first == "a", let label = host.dropFirst().split(separator: ".").first else { return nil }
        let octets = label.split(separator: "-", omittingEmptySubsequences: false)
        guard octets.count == 4,
              octets.allSatisfy({ $0.allSatisfy(CodeText.isDigit) && UInt8($0) != nil }) else { return nil }
        return Substring(octets.joined(separator: "."))
    }
}
