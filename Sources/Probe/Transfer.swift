import CCurl
import CDNTopCore
import Foundation

/// The life of one endpoint's probe inside a round: its easy handle, the hops of its redirect
/// chain, and what the current hop has received so far.
///
/// Redirects are followed here rather than by curl, so a redirect back to a URL already
/// visited is recognised as a loop (the Cloudflare-in-front-of-Fly story) before the looping
/// request is sent, instead of ending as an anonymous "too many redirects".
///
/// Following them here also means doing what `curl -L` does with credentials: the configured
/// `Authorization`, `Cookie` and `Proxy-Authorization` headers go only to the configured URL's
/// origin (scheme, host and port), never to another one a redirect names. A redirect from
/// https to http is followed, as curl does, and noted in the result's `errorDetail`.
final class Transfer {
    let endpoint: Endpoint
    let vantage: Vantage
    let handle = EasyHandle()
    let startedAt: Date
    private let startedAtMonotonic: ContinuousClock.Instant

    /// The host of the configured URL: the Host override goes only there, as curl's does.
    private let configuredHost: String?
    /// The configured URL's origin: credential headers go only there.
    private let configuredOrigin: Origin?
    /// The first https→http redirect of the chain, for the result's note.
    private var downgrade: (hop: Int, url: String)?
    private(set) var currentURL: String
    private var visited: Set<String>
    private(set) var redirects = 0
    /// Phases of the hops already finished; the current hop is added when it ends.
    private var finishedHops = PhaseTimings.zero

    fileprivate(set) var headerCollector = ResponseHeaderCollector()
    fileprivate(set) var bodyBytes: Int64 = 0
    /// Set when the write callback refused more bytes: curl then reports a write error,
    /// which alone would not say why.
    fileprivate(set) var bodyLimitHit = false

    init(endpoint: Endpoint, vantage: Vantage, now: Date = Date()) {
        self.endpoint = endpoint
        self.vantage = vantage
        self.startedAt = now
        self.startedAtMonotonic = .now
        self.configuredHost = URL(string: endpoint.url)?.host
        self.configuredOrigin = Origin(endpoint.url)
        self.currentURL = endpoint.url
        self.visited = [endpoint.url]
        configureOnce()
        configureHop()
    }

    /// Time left of the endpoint's timeout, which covers the whole redirect chain.
    var remainingTimeout: Double {
        endpoint.timeout - (ContinuousClock.now - startedAtMonotonic).seconds
    }

    // MARK: Options

    private func configureOnce() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        handle.set(CURLOPT_NOSIGNAL, true)
        // Every probe pays for its own DNS, TCP and TLS, like a first-time visitor: a reused
        // connection would make the first provider probed look slower than the rest.
        handle.set(CURLOPT_FRESH_CONNECT, true)
        handle.set(CURLOPT_FORBID_REUSE, true)
        handle.set(CURLOPT_DNS_CACHE_TIMEOUT, 0)
        handle.set(CURLOPT_FOLLOWLOCATION, false)
        handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        handle.set(CURLOPT_SSL_VERIFYPEER, !endpoint.insecure)
        handle.set(CURLOPT_SSL_VERIFYHOST, endpoint.insecure ? 0 : 2)
        handle.set(CURLOPT_MAXFILESIZE_LARGE, offset: endpoint.maxBody)
        // Never through a proxy from http_proxy/https_proxy: every figure would describe the
        // proxy instead of the CDN.
        handle.set(CURLOPT_PROXY, "")
        handle.set(CURLOPT_USERAGENT, ProbeEngine.userAgent)
        handle.set(CURLOPT_RESOLVE, list: endpoint.resolve)
        handle.set(CURLOPT_HEADERFUNCTION, callback: headerCallback)
        handle.set(CURLOPT_HEADERDATA, pointer: context)
        handle.set(CURLOPT_WRITEFUNCTION, callback: bodyCallback)
        handle.set(CURLOPT_WRITEDATA, pointer: context)
    }

    /// Options that change from hop to hop: the URL, the time left, and the Host override,
    /// which (like curl's) is sent only to the host of the configured URL.
    private func configureHop() {
        handle.set(CURLOPT_URL, currentURL)
        let millisecondsLeft = Int(max(1, min(Double(Int32.max), (remainingTimeout * 1000).rounded(.up))))
        handle.set(CURLOPT_TIMEOUT_MS, millisecondsLeft)
        handle.set(CURLOPT_CONNECTTIMEOUT_MS, millisecondsLeft)
        let sameOrigin = redirects == 0 || (configuredOrigin != nil && Origin(currentURL) == configuredOrigin)
        var requestHeaders = endpoint.headers
            .filter { sameOrigin || !Self.credentialHeaders.contains($0.name.lowercased()) }
            .map { "\($0.name): \($0.value)" }
        if let host = endpoint.host, redirects == 0 || URL(string: currentURL)?.host == configuredHost {
            requestHeaders.append("Host: \(host)")
        }
        handle.set(CURLOPT_HTTPHEADER, list: requestHeaders)
        headerCollector.reset()
        bodyBytes = 0
        handle.clearErrorMessage()
    }

    /// Headers that carry credentials; like curl, cdntop sends them only to the configured origin.
    static let credentialHeaders: Set<String> = ["authorization", "cookie", "proxy-authorization"]

    /// A redirect target longer than this is refused, as a configured URL would be.
    static let maxURLBytes = 8192

    // MARK: Hops

    /// What to do once curl has finished the current hop.
    enum HopOutcome {
        case follow
        case finished(ProbeResult)
    }

    func finishHop(code: CURLcode) -> HopOutcome {
        let hop = hopTimings()
        finishedHops = finishedHops + hop
        let status = handle.long(CURLINFO_RESPONSE_CODE)
        guard code == CURLE_OK else {
            return .finished(failure(code: code, status: status))
        }
        let redirecting = (300...399).contains(status) && endpoint.maxRedirects > 0
        let redirectTarget = redirecting ? handle.string(CURLINFO_REDIRECT_URL) : nil
        if redirecting, redirectTarget == nil, let location = headerCollector.headers.last(named: "location") {
            return .finished(result(status: status, error: .protocol,
                                    detail: "HTTP \(status) redirects to \"\(location.prefix(200))\", which is not a URL cdntop can follow"))
        }
        if let target = redirectTarget {
            let cleanTarget = Sanitizer.clean(target)
            guard let scheme = Origin(target)?.scheme, scheme == "http" || scheme == "https" else {
                return .finished(result(status: status, error: .protocol,
                                        detail: "HTTP \(status) redirects to \(cleanTarget.prefix(200)), which is not an http:// or https:// URL"))
            }
            guard target.utf8.count <= Self.maxURLBytes else {
                return .finished(result(status: status, error: .protocol,
                                        detail: "HTTP \(status) redirects to a URL of \(target.utf8.count) bytes (at most \(Self.maxURLBytes))"))
            }
            if visited.contains(target) {
                return .finished(result(status: status, error: .redirectLoop,
                                        detail: "HTTP \(status) redirects back to \(cleanTarget), already visited"))
            }
            if redirects >= endpoint.maxRedirects {
                return .finished(result(status: status, error: .tooManyRedirects,
                                        detail: "more than \(endpoint.maxRedirects) redirects, next: \(cleanTarget)"))
            }
            if remainingTimeout <= 0 {
                return .finished(result(status: status, error: .timeout,
                                        detail: "timeout of \(HumanDuration.format(seconds: endpoint.timeout)) reached while following redirects"))
            }
            redirects += 1
            if downgrade == nil, Origin(currentURL)?.scheme == "https", scheme == "http" {
                downgrade = (redirects, cleanTarget)
            }
            visited.insert(target)
            currentURL = target
            configureHop()
            return .follow
        }
        if status >= 400 {
            return .finished(result(status: status, error: .httpStatus, detail: "HTTP \(status)"))
        }
        return .finished(result(status: status, error: nil, detail: downgradeNote))
    }

    /// A failed hop: curl's code and message, said in terms a person can act on.
    private func failure(code: CURLcode, status: Int) -> ProbeResult {
        var errorClass = bodyLimitHit ? .bodyTooLarge : CurlErrorClassifier.errorClass(for: code)
        var detail = curlMessage(code)
        if code == CURLE_OUT_OF_MEMORY, !headerCollector.headersComplete {
            // libcurl 7.x reports a header line over its 100 KB limit as out of memory.
            errorClass = .protocol
            detail = "response header too large for libcurl (at most 100 KB a line, 300 KB in all): \(detail)"
        }
        if redirects > 0 {
            detail += " (after redirect \(redirects) to \(Sanitizer.clean(currentURL).prefix(200)))"
        }
        return result(status: status, error: errorClass, detail: detail)
    }

    /// Said on a probe whose chain went from https to http: it succeeded, over plain HTTP.
    private var downgradeNote: String? {
        downgrade.map { "redirect \($0.hop) downgraded https to http (\($0.url.prefix(200))): the response was not encrypted" }
    }

    /// curl's cumulative marks for this hop turned into phase durations (see `PhaseTimings`).
    private func hopTimings() -> PhaseTimings {
        let lookup = handle.offset(CURLINFO_NAMELOOKUP_TIME_T)
        let connected = handle.offset(CURLINFO_CONNECT_TIME_T)
        let handshaken = handle.offset(CURLINFO_APPCONNECT_TIME_T)
        let firstByte = handle.offset(CURLINFO_STARTTRANSFER_TIME_T)
        let total = handle.offset(CURLINFO_TOTAL_TIME_T)
        return PhaseTimings(
            dns: lookup,
            connect: connected > 0 ? max(0, connected - lookup) : 0,
            tls: handshaken > 0 ? max(0, handshaken - connected) : 0,
            ttfb: firstByte,
            transfer: firstByte > 0 ? max(0, total - firstByte) : 0,
            total: total)
    }

    private func curlMessage(_ code: CURLcode) -> String {
        let buffered = handle.errorMessage
        let message = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        if bodyLimitHit {
            return "body larger than max_body (\(endpoint.maxBody) bytes)"
        }
        return Sanitizer.clean(message).trimmingSpaces
    }

    private func result(status: Int, error: ProbeErrorClass?, detail: String?) -> ProbeResult {
        let headers = headerCollector.headers
        let classification = Classifier.classify(headers, configuredProvider: endpoint.provider)
        return ProbeResult(
            timestamp: startedAt,
            endpoint: endpoint.name,
            site: endpoint.site,
            url: CredentialMask.masked(endpoint.url),
            vantage: vantage,
            isOrigin: endpoint.isOrigin,
            provider: classification.provider,
            ok: error == nil,
            status: status > 0 ? status : nil,
            httpVersion: httpVersion(),
            cache: classification.cache,
            cacheRaw: classification.cacheRaw,
            pop: classification.pop,
            popRegion: classification.popRegion,
            age: classification.age,
            timings: finishedHops,
            bytes: handle.offset(CURLINFO_SIZE_DOWNLOAD_T),
            redirects: redirects,
            remoteIP: handle.string(CURLINFO_PRIMARY_IP).map(Sanitizer.clean).flatMap { $0.isEmpty ? nil : $0 },
            error: error,
            errorDetail: detail.map(CredentialMask.masked),
            headers: headers,
            trailers: headerCollector.trailers)
    }

    private func httpVersion() -> String? {
        switch handle.long(CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_1_0): "1.0"
        case Int(CURL_HTTP_VERSION_1_1): "1.1"
        case Int(CURL_HTTP_VERSION_2_0): "2"
        case Int(CURL_HTTP_VERSION_3): "3"
        default: nil
        }
    }

    // MARK: Callbacks from curl

    fileprivate func receiveHeader(_ line: UnsafeBufferPointer<UInt8>) {
        headerCollector.consume(line: line)
    }

    /// Counts body bytes and refuses them past `max_body`: the body is never kept, only
    /// measured, so memory stays flat whatever a server sends.
    fileprivate func receiveBody(count: Int) -> Bool {
        bodyBytes += Int64(count)
        if bodyBytes > endpoint.maxBody {
            bodyLimitHit = true
            return false
        }
        return true
    }
}

/// Scheme, host and port of a URL, as curl compares them before sending credentials on.
struct Origin: Equatable {
    var scheme: String
    var host: String
    var port: Int

    init?(_ url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased() else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
    }
}

private func headerCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                            _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveHeader(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private func bodyCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                          _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.receiveBody(count: length) ? length : 0
}
