/// Which columns the endpoint table shows at a width, and how wide each is. Columns leave
/// in a fixed order as the terminal narrows (provider, then POP), the sparkline takes what
/// remains, so nothing ever overlaps. The average is always there: the comparison with the
/// origin is made on it, and a screen must show the figure its verdict rests on.
public struct EndpointColumns: Sendable, Hashable {
    public var name: Int
    public var provider: Int
    public var spark: Int
    public var number = 6
    public var count: Int
    public var status: Int
    public var pop: Int
    /// p99 and success ratio, for screens of 150 columns and more.
    public var extra: Int

    /// Selection marker and the gaps between columns.
    static let marker = 2
    static let gap = 1

    public init(width: Int, longestName: Int) {
        name = min(16, max(6, longestName))
        status = width >= 100 ? 13 : 10
        count = width >= 100 ? 11 : 7
        provider = width >= 110 ? 11 : 0
        pop = width >= 80 ? (width >= 160 ? 18 : width >= 130 ? 12 : 6) : 0
        extra = width >= 150 ? 7 : 0
        let fixed = Self.marker + name + 4 * number + count + status + 2 * extra + provider + pop
        let gaps = Self.gap * (7 + (provider > 0 ? 1 : 0) + (pop > 0 ? 1 : 0) + (extra > 0 ? 2 : 0))
        spark = max(0, width - fixed - gaps)
        if spark < 8, pop > 0 {
            spark += pop + Self.gap
            pop = 0
        }
    }
}
