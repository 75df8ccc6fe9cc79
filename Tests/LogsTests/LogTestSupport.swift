import CDNTopCore
@testable import Logs

/// Reads `lines` through `parser` into an aggregator, as the ingest loop does, and returns
/// the minutes and the problems of the lines that did not read.
func aggregate(_ lines: [String], parser: any LogLineParser, site: String? = nil,
               provider: Provider? = nil) throws -> (minutes: [TrafficMinute], problems: [LineProblem]) {
    let aggregator = TrafficAggregator(site: site, provider: provider ?? parser.defaultProvider, parser: parser)
    var problems: [LineProblem] = []
    for line in lines {
        try Array(line.utf8).withUnsafeBufferPointer { bytes throws in
            var record = LogRecord()
            if let problem = parser.parse(bytes, into: &record) {
                problems.append(problem)
                aggregator.addMalformed()
            } else {
                try aggregator.add(record)
            }
        }
    }
    return (aggregator.drain(), problems)
}

/// Parses one line into a record and hands it to `inspect` while its bytes are valid.
func parse(_ line: String, _ parser: any LogLineParser, _ inspect: (LogRecord?, LineProblem?) -> Void) {
    Array(line.utf8).withUnsafeBufferPointer { bytes in
        var record = LogRecord()
        let problem = parser.parse(bytes, into: &record)
        inspect(problem == nil ? record : nil, problem)
    }
}

extension LogBytes {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// The whole of several minutes, merged.
func total(_ minutes: [TrafficMinute]) -> TrafficMinute {
    var sum = TrafficMinute(site: "", provider: nil, minute: 0)
    minutes.forEach { sum.merge($0) }
    return sum
}
