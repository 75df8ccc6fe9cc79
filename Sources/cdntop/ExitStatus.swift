import ArgumentParser
import CDNTopCore
import Foundation

/// How a command ends when it cannot do its work: the exit statuses the README and
/// `cdntop --help` document, in one place so a script can rely on them.
/// (Bad arguments, 64, are ArgumentParser's own usage errors: `ValidationError`.)
enum ExitStatus {
    /// 1: nothing to report (no database, no probes in the window, no such site), or the
    /// work itself could not be done (the lab's ports).
    case nothingDone
    /// 1: `cdntop compare` measured a figure past one of its thresholds.
    case thresholdBreached
    /// 2: the config file (or scenario file) is unusable.
    case configUnusable
    /// 3: the probe database is unusable, or probes were measured but not stored (they wait
    /// in the outbox, or are lost: the message says how many and where).
    case databaseUnusable
    /// 4: the report was made but its file could not be written.
    case reportNotWritten
    /// 64: the arguments cannot work here (the UI without a terminal).
    case badArguments
    /// 128 + signal: the UI ended on a signal, as a shell reports it.
    case endedBySignal(status: Int32)

    var code: Int32 {
        switch self {
        case .nothingDone, .thresholdBreached: 1
        case .configUnusable: 2
        case .databaseUnusable: 3
        case .reportNotWritten: 4
        case .badArguments: ExitCode.validationFailure.rawValue
        case .endedBySignal(let status): status
        }
    }

    var exitCode: ExitCode { ExitCode(code) }

    /// Writes `message` to stderr (URL passwords masked) and returns the error that ends the
    /// command with this status.
    func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("cdntop: \(CredentialMask.masked(message))\n".utf8))
        return exitCode
    }
}
