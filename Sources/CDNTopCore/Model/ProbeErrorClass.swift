/// Why a probe failed, in the `error` vocabulary of JSON lines and reports. A probe with no error class succeeded.
public enum ProbeErrorClass: String, CaseIterable, Sendable, Codable, Hashable {
    case dns
    case connect
    case tls
    case timeout
    case redirectLoop = "redirect_loop"
    case tooManyRedirects = "too_many_redirects"
    /// The final response was 4xx or 5xx.
    case httpStatus = "http_status"
    case bodyTooLarge = "body_too_large"
    case `protocol`
    case other
}
