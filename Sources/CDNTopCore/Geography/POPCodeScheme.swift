/// How a provider spells its POP codes, and so how a code maps to a metro.
public enum POPCodeScheme: Sendable {
    /// An IATA code, possibly followed by a site number: Cloudflare `SJC`, Fly `jnb`,
    /// Vercel `sfo1`, CloudFront `FRA56-P5`.
    case iata
    /// KeyCDN's country TLD followed by two letters for the city: `defr`, `uklo`.
    case keycdn
    /// Bunny's region codes followed by an index: `DE1` (Frankfurt), `NY1`, `JH1`, `PHX1`.
    case bunny
    /// No place can be read from the code (an Akamai edge IP).
    case opaque
}

/// Maps a provider's POP code to its metro, from the tables that
/// `scripts/generate_pop_regions.py` generates (see `POPRegionTable.generated.swift`).
public enum POPMetros {
    /// The metro of `pop` as `provider` spells it; nil when the provider names no POPs, the
    /// code is unknown, or it is not a plain code (anything a server made up).
    ///
    /// Derived on read rather than stored, so probes stored before metros existed get one
    /// too. A stacked response may take its POP from an inner layer (Fly behind Netlify);
    /// when the reported provider names no POPs itself, the metro is nil rather than read
    /// with another provider's spelling.
    public static func metro(provider: Provider?, pop: String?) -> Metro? {
        guard let pop, let scheme = provider.flatMap(ProviderProfile.profile(for:))?.pop?.locator else { return nil }
        return metro(code: pop, scheme: scheme)
    }

    static func metro(code: String, scheme: POPCodeScheme) -> Metro? {
        guard CodeText.isPlausiblePOPCode(code) else { return nil }
        let letters = CodeText.letterPrefix(code)
        switch scheme {
        case .iata:
            return letters.count == 3 ? POPRegions.metro(iata: letters) : nil
        case .keycdn:
            if let metro = keycdn[code.lowercased()].flatMap(POPRegions.metro(iata:)) { return metro }
            return POPRegions.metro(countryOnly: String(letters.prefix(2)))
        case .bunny:
            if let metro = bunny[letters.uppercased()].flatMap(POPRegions.metro(iata:)) { return metro }
            return letters.count == 2 ? POPRegions.metro(countryOnly: letters) : POPRegions.metro(iata: letters)
        case .opaque:
            return nil
        }
    }

    private static let bunny = providerCodes(POPRegions.bunnyTable)
    private static let keycdn = providerCodes(POPRegions.keycdnTable)

    private static func providerCodes(_ table: String) -> [String: String] {
        var codes: [String: String] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "|")
            if fields.count == 2 { codes[String(fields[0])] = String(fields[1]) }
        }
        return codes
    }
}
