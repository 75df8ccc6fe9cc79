/// One response header line, kept in arrival order: several providers repeat or stack headers
/// (Fastly's `X-Cache: MISS, HIT`, RFC 9211 lists) and the order carries meaning.
public struct HTTPHeader: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// Every value of the header `name` (case-insensitive), in arrival order.
    public func values(named name: String) -> [String] {
        let wanted = name.lowercased()
        return filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The last value of the header `name`: the one the nearest hop set when a header repeats.
    public func last(named name: String) -> String? {
        values(named: name).last
    }
}
