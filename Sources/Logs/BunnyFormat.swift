import CDNTopCore

/// Bunny CDN's raw request log (Logging API v1, permanent log storage): one pipe-separated
/// line per request,
/// `cache status|status|timestamp (ms)|bytes sent|pull zone id|remote IP|referer|URL|edge location|user agent|request id|country`.
/// It records no content type: the class is taken from the URL's extension. A user agent
/// may itself hold a pipe, so the fields before it are counted from the left and the two
/// after it from the right.
public struct BunnyFormat: LogLineParser {
    public static let fieldCount = 12
    public var escaping: TextEscaping { .none }
    public var vocabulary: CacheVocabulary { .plain }
    public var defaultProvider: Provider { .bunny }
    public var summary: String {
        "bunny pipe-separated lines (cache status|status|timestamp ms|bytes|pull zone|IP|referer|URL|edge location|user agent|request id|country)"
    }

    public init() {}

    public func parse(_ line: LogBytes, into record: inout LogRecord) -> LineProblem? {
        // The two fields after the user agent end the line: find their pipes from the right.
        var rightPipes = 0
        var userAgentEnd = line.count
        while userAgentEnd > 0, rightPipes < 2 {
            userAgentEnd -= 1
            if line[userAgentEnd] == UInt8(ascii: "|") { rightPipes += 1 }
        }
        var cursor = 0
        var number = 0
        var problem: LineProblem?
        /// The next of the first nine fields, each ended by a pipe before the user agent.
        func next() -> LogBytes {
            guard problem == nil, let pipe = line.firstIndex(of: UInt8(ascii: "|"), from: cursor), pipe < userAgentEnd else {
                if problem == nil {
                    problem = LineProblem(expected: "\(Self.fieldCount) fields separated by '|' (field \(number + 1) has no '|' after it)",
                                          position: line.count)
                }
                return .none
            }
            defer { cursor = pipe + 1; number += 1 }
            return line.slice(cursor..<pipe)
        }
        let cache = next(), status = next(), timestamp = next(), bytes = next()
        _ = next(); _ = next(); _ = next()  // pull zone, remote IP, referer: not kept
        let url = next(), edge = next()
        if let problem { return problem }
        guard rightPipes == 2, cursor <= userAgentEnd else {
            return LineProblem(expected: "\(Self.fieldCount) fields separated by '|'", position: line.count)
        }
        guard let milliseconds = FieldReading.integer(timestamp) else {
            return LineProblem(expected: "a timestamp in milliseconds (the third field)", position: 0)
        }
        record.cache = cache.isAbsent ? .none : cache
        record.status = FieldReading.integer(status).map { $0 < 1000 ? Int($0) : 0 } ?? 0
        record.seconds = milliseconds / 1000
        record.hasTime = true
        record.bytes = FieldReading.integer(bytes) ?? 0
        FieldReading.absoluteTarget(url, into: &record)
        record.pop = edge.isAbsent ? .none : edge
        return nil
    }
}
