import Config
import Report
import Store

// The libraries describe what is wrong with the database, the config or the report; only the
// command line knows its flags, so the advice that names them is added here.

extension StoreError {
    /// The store's message, then the flag that gets around it.
    var commandLineMessage: String {
        switch self {
        case .missing, .empty:
            description + " Run `cdntop probe` first to record probes there, or pass --db with the path of an existing one."
        case .notSQLite:
            description + " Or pass --db with the path of a cdntop database."
        case .notCDNTop, .newerSchema:
            description + " Or pass --db with another path."
        case .cannotCreateDirectory:
            description + " Or pass --db with a path in a writable directory."
        case .cannotOpen, .busy, .damaged, .failed, .diskFull, .invalidConnection, .unreachable,
             .authenticationFailed, .tlsFailed, .foreignDatabase:
            description
        }
    }
}

extension ReportError {
    /// The report's message, with the flag that chooses differently.
    var commandLineMessage: String {
        switch self {
        case .ambiguousSite: description + " with --site"
        case .emptyWindow: description + " (--window)"
        case .emptyDatabase, .noSites, .unknownSite: description
        }
    }
}

/// Any error from opening or reading the store, worded for the command line.
func commandLineMessage(_ error: any Error) -> String {
    (error as? StoreError)?.commandLineMessage ?? "\(error)"
}
