import CDNTopCore
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

extension AgentStatus {
    /// A stored status row, read back.
    package init(storedJSON json: String) throws(DamagedData) {
        do {
            self = try JSONDecoder.agentStatus.decode(AgentStatus.self, from: Data(json.utf8))
        } catch {
            throw DamagedData("an agent's status is not readable")
        }
    }

    package func storedJSON() throws -> String {
        String(decoding: try JSONEncoder.agentStatus.encode(self), as: UTF8.self)
    }
}
