import CDNTopCore

/// A response's header block and, apart from it, the chunked trailers that followed its body.
public struct ResponseHeaderLines: Sendable, Hashable, Codable {
    public var headers: [HTTPHeader]
    public var trailers: [HTTPHeader]

    public init(headers: [HTTPHeader] = [], trailers: [HTTPHeader] = []) {
        self.headers = headers
        self.trailers = trailers
    }
}
