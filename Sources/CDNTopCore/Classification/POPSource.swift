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
    /// How the provider spells the code, and so how it maps to a metro and region.
    var locator: POPCodeScheme

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

    func read(_ headers: ResponseHeaders) -> POPReading? {
        guard let entry = headers.list(header).last,
              let code = extract(entry), CodeText.isPlausiblePOPCode(code),
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
        POPMetros.metro(code: code, scheme: locator)?.continent
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
