import CCurl
import CDNTopCore
import Foundation

/// Runs probe rounds on libcurl's multi interface.
///
/// Every endpoint of a round is in flight at once on one thread, so a round of 150 endpoints
/// that each take 300 ms takes about 300 ms, and every provider of a site is measured at the
/// same moment under the same network conditions: the comparison stays fair.
///
/// `run` blocks its calling thread until the round is over; callers that must stay
/// responsive (the UI) call it from a thread of their own.
public struct ProbeEngine: Sendable {
    /// Sent unless the endpoint configures its own `User-Agent`, so site owners can recognise
    /// (and exempt from analytics) cdntop's traffic.
    public static let userAgent = "cdntop/0.1.0"

    public init() {}

    /// Probes every endpoint once, concurrently, and returns the results in endpoint order.
    /// `onResult` is called on the calling thread as each probe lands.
    public func run(_ endpoints: [Endpoint], vantage: Vantage,
                    onResult: (ProbeResult) -> Void = { _ in }) -> [ProbeResult] {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        defer { curl_multi_cleanup(multi) }

        let now = Date()
        var pending: [UnsafeMutableRawPointer: (index: Int, transfer: Transfer)] = [:]
        for (index, endpoint) in endpoints.enumerated() {
            let transfer = Transfer(endpoint: endpoint, vantage: vantage, now: now)
            pending[transfer.handle.raw] = (index, transfer)
            curl_multi_add_handle(multi, transfer.handle.raw)
        }

        var results = [ProbeResult?](repeating: nil, count: endpoints.count)
        var running: Int32 = 0
        repeat {
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let entry = pending[easy] else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                switch entry.transfer.finishHop(code: code) {
                case .follow:
                    curl_multi_add_handle(multi, easy)
                case .finished(let result):
                    pending[easy] = nil
                    results[entry.index] = result
                    onResult(result)
                }
            }
            if !pending.isEmpty {
                // Wakes on socket activity or curl's own next timer, whichever comes first.
                curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        } while !pending.isEmpty
        return results.map { $0! }
    }
}
