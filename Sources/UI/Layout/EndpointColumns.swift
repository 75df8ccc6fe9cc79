/// Which columns the endpoint table shows at a width, and how wide each is. Columns leave
/// in a fixed order as the terminal narrows (provider, then POP), the sparkline takes what
/// remains, so nothing ever overlaps.
public struct EndpointColumns: Sendable, Hashable {
    public var name: Int
    public var provider: Int
    public var spark: Int
    public var number = 6
    public var count = 7
    public var status: Int
    public var pop: Int
    /// Average, p99 and success ratio, for screens of 150 columns and more.
    public var extra: Int

    /// Selection marker and the gaps between columns.
    static let marker = 2
    static let gap = 1

    public init(width: Int, longestName: Int) {
        name = min(16, max(6, longestName))
        status = width >= 100 ? 13 : 10
        provider = width >= 110 ? 11 : 0
        pop = width >= 80 ? (width >= 130 ? 12 : 6) : 0
        extra = width >= 150 ? 7 : 0
        let fixed = Self.marker + name + 3 * number + count + status + 3 * extra + provider + pop
        let gaps = Self.gap * (6 + (provider > 0 ? 1 : 0) + (pop > 0 ? 1 : 0) + (extra > 0 ? 3 : 0))
        spark = max(0, width - fixed - gaps)
        if spark < 8, pop > 0 {
            spark += pop + Self.gap
            pop = 0
        }
    }
}
