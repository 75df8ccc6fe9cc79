import ArgumentParser
import Foundation

/// Ends the command with a message on stderr and the documented exit status.
enum Failure {
    static let config: Int32 = 2
    static let database: Int32 = 3

    static func exit(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("cdntop: \(message)\n".utf8))
        return ExitCode(status)
    }
}
