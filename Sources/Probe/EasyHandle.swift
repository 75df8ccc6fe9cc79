import CCurl

/// One libcurl easy handle with typed option setters and info getters.
///
/// Options are set once per hop; every setter checks curl's return code because a silently
/// ignored option (say, TLS verification) would make every later number a lie.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    /// curl keeps pointers to option strings' lists, not copies: the lists live as long as the handle.
    private var ownedLists: [UnsafeMutablePointer<curl_slist>] = []
    /// This handle's own DNS cache. Handles in one multi share the multi's cache otherwise, and
    /// `CURLOPT_RESOLVE` entries land there as permanent entries: one endpoint's `resolve` pin
    /// would then send every other endpoint for that host to the pinned address.
    private let dnsCache: UnsafeMutableRawPointer
    /// Where curl writes its error message; it must outlive the easy handle.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init(), let share = curl_share_init() else {
            fatalError("curl_easy_init failed: out of memory")
        }
        raw = handle
        dnsCache = share
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        precondition(cdntop_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue)) == CURLSHE_OK)
        set(CURLOPT_SHARE, pointer: share)
        set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_share_cleanup(dnsCache)
        errorBuffer.deallocate()
        ownedLists.forEach { curl_slist_free_all($0) }
    }

    /// The last error message curl wrote, empty when none.
    var errorMessage: String { String(cString: errorBuffer) }

    func clearErrorMessage() { errorBuffer[0] = 0 }

    func set(_ option: CURLoption, _ value: Int) {
        check(cdntop_easy_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) {
        set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, offset value: Int64) {
        check(cdntop_easy_setopt_offset(raw, option, curl_off_t(value)), option)
    }

    /// curl copies string options, so the Swift string may go away after the call.
    func set(_ option: CURLoption, _ value: String) {
        check(cdntop_easy_setopt_string(raw, option, value), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) {
        check(cdntop_easy_setopt_pointer(raw, option, value), option)
    }

    func set(_ option: CURLoption, callback: cdntop_curl_data_callback) {
        check(cdntop_easy_setopt_callback(raw, option, callback), option)
    }

    /// Sets a string-list option (headers, resolve entries); nil or empty clears it.
    func set(_ option: CURLoption, list: [String]) {
        var head: UnsafeMutablePointer<curl_slist>? = nil
        for item in list {
            guard let extended = curl_slist_append(head, item) else { fatalError("curl_slist_append: out of memory") }
            head = extended
        }
        if let head { ownedLists.append(head) }
        check(cdntop_easy_setopt_slist(raw, option, head), option)
    }

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        return cdntop_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    /// Microsecond timers (`CURLINFO_*_TIME_T`) and byte counters.
    func offset(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        return cdntop_easy_getinfo_offset(raw, info, &value) == CURLE_OK ? Int64(value) : 0
    }

    func string(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard cdntop_easy_getinfo_string(raw, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) {
        precondition(code == CURLE_OK,
                     "libcurl rejected option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
    }
}
