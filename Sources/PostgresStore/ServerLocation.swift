import CDNTopCore
import CLibPQ
import Foundation
import Store

/// A connection string (`postgres://user:password@host:5432/db?sslmode=…`, or libpq's
/// key=value form) and what may be shown of it: `location`, without the password. Every
/// message from libpq or the server passes `clean` before it reaches a `StoreError`, so no
/// password, escape sequence or control character gets out.
struct ServerLocation: Sendable {
    let conninfo: String
    let location: String
    /// The password as written in the connection string, and decoded: removed from messages
    /// even where a message quotes it outside a URL (a parse error echoing a token).
    private let secrets: [String]

    init(_ conninfo: String) throws(StoreError) {
        self.conninfo = conninfo
        let location = Sanitizer.clean(CredentialMask.masked(conninfo))
        self.location = location
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            let reason = error.map { String(cString: $0) } ?? "not a connection URI"
            PQfreemem(error)
            let raw = Self.rawPasswords(in: conninfo)
            throw StoreError.invalidConnection(location: location, reason: Self.clean(reason, removing: raw))
        }
        defer { PQconninfoFree(options) }
        var found: [String] = Self.rawPasswords(in: conninfo)
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                found.append(String(cString: value))
            }
            option += 1
        }
        secrets = found.filter { !$0.isEmpty }
    }

    /// `message` from libpq or the server, safe to print.
    func clean(_ message: String) -> String {
        Self.clean(message, removing: secrets)
    }

    private static func clean(_ message: String, removing secrets: [String]) -> String {
        var text = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "…")
        }
        text = Sanitizer.clean(CredentialMask.masked(text))
        // libpq ends messages with a newline and may put "DETAIL:" on the next: one line.
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
            .trimmingCharacters(in: CharacterSet(charactersIn: ". "))
    }

    /// The user-info password of a URI, raw and percent-decoded, found without libpq (which
    /// cannot say what it was when it fails to parse the URI).
    private static func rawPasswords(in conninfo: String) -> [String] {
        guard let scheme = conninfo.range(of: "://") else { return [] }
        let rest = conninfo[scheme.upperBound...]
        let authority = rest.prefix { !"/?#".contains($0) }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return [] }
        let raw = String(authority[authority.index(after: colon)..<at])
        return [raw, raw.removingPercentEncoding].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// The `StoreError` a failure stands for, worded for this location.
    func error(for failure: ServerFailure, busyTimeout: Double) -> StoreError {
        let reason = clean(failure.message)
        let lowered = failure.message.lowercased()
        if let state = failure.sqlState {
            switch state {
            case "28P01", "28000": return .authenticationFailed(location: location, reason: reason)
            case "53100": return .diskFull(path: location)
            case "55P03": return .busy(path: location, timeout: busyTimeout)
            case "3D000": return .unreachable(location: location, reason: reason)
            default: break
            }
        }
        // Only a failure to connect says something about logins and TLS; a connection lost
        // mid-statement (no SQLSTATE, or class 08) means the server went away.
        guard failure.duringConnect else {
            let lost = failure.sqlState == nil || failure.sqlState?.hasPrefix("08") == true
            return lost ? .unreachable(location: location, reason: reason) : .failed(path: location, reason: reason)
        }
        if ["password authentication failed", "no password supplied", "authentication failed",
            "pg_hba.conf", "role \"", "password is required"].contains(where: lowered.contains) {
            return .authenticationFailed(location: location, reason: reason)
        }
        if ["ssl", "tls", "certificate"].contains(where: lowered.contains) {
            return .tlsFailed(location: location, reason: reason)
        }
        if lowered.contains("invalid") && (lowered.contains("uri") || lowered.contains("connection option")) {
            return .invalidConnection(location: location, reason: reason)
        }
        return .unreachable(location: location, reason: reason)
    }
}
