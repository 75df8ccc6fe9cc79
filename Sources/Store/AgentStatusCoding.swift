import Foundation

/// How every engine stores an `AgentStatus`: JSON, dates as seconds since 1970 with their
/// fraction, keys sorted so equal statuses are equal bytes.
extension JSONEncoder {
    package static var agentStatus: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

extension JSONDecoder {
    package static var agentStatus: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
