import CDNTopCore

/// The endpoint rows in the order `o` chose. Endpoints without the figure a sort reads (silent
/// in the window, no successful probe, nothing cacheable) go last, in their configured order,
/// so a sort never hides them between real figures.
enum EndpointOrder {
    static func sorted(_ names: [String], by sort: ViewState.EndpointSort, data: DashboardData?) -> [String] {
        guard sort != .configured, let data else { return names }
        let key: (String) -> Double? = { name in
            let summary = data.summary(of: name)
            switch sort {
            case .configured: return nil
            case .p50: return summary?.ttfb?.p50
            case .p95: return summary?.ttfb?.p95
            // The highest hit ratio first; the most failures first (who is failing is what
            // sorting by failures asks).
            case .hitRatio: return summary?.cache.hitRatio.map { -$0 }
            case .failures: return summary.map { -Double($0.failed) }
            }
        }
        let ranked = names.enumerated().map { (offset: $0.offset, name: $0.element, key: key($0.element)) }
        return ranked.sorted { a, b in
            switch (a.key, b.key) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.offset < b.offset
            }
        }.map(\.name)
    }
}
