import CDNTopCore
import Foundation

/// A response's header block and, apart from it, the chunked trailers that followed its body.
public struct ResponseHeaderLines: Sendable, Hashable, Codable {
    public var headers: [HTTPHeader]
    public var trailers: [HTTPHeader]

    public init(headers: [HTTPHeader] = [], trailers: [HTTPHeader] = []) {
        self.headers = headers
        self.trailers = trailers
    }
}

/// How every engine keeps the newest headers of each (endpoint, vantage): one JSON row,
/// `{"headers": […], "trailers": […]}`. Rows written before trailers were kept apart are a
/// bare array of headers, and still read.
extension ResponseHeaderLines {
    /// Per (endpoint, vantage), the round's newest probe that carried headers.
    package static func newestWithHeaders(in round: [ProbeResult], ids: [DictionaryIDs]) -> [DictionaryIDs: ProbeResult] {
        zip(ids, round).filter { !$0.1.headers.isEmpty }.newest(by: \.0, time: \.1.timestamp).mapValues(\.1)
    }

    package init(of probe: ProbeResult) {
        self.init(headers: probe.headers, trailers: probe.trailers)
    }

    package func storedJSON() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// Reads a stored row; `owner` names whose headers they are in the damage report.
    package init(storedJSON json: String, owner: String) throws {
        let decoder = JSONDecoder()
        if let lines = try? decoder.decode(ResponseHeaderLines.self, from: Data(json.utf8)) {
            self = lines
            return
        }
        do {
            self.init(headers: try decoder.decode([HTTPHeader].self, from: Data(json.utf8)))
        } catch {
            throw DamagedData("stored headers of \(owner) are not valid JSON")
        }
    }
}
