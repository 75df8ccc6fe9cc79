import CCurl

/// libcurl must be initialised once per process before any handle exists, and
/// `curl_global_init` is not thread-safe on every build: a `static let` runs it exactly once.
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func ensureInitialized() {
        precondition(initialized, "libcurl failed to initialise (curl_global_init)")
    }
}
