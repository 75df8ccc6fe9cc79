import CCurl
import CDNTopCore
import Foundation

/// Probes in flight on one libcurl multi handle, started whenever they are due and collected
/// as each one lands, so a slow endpoint never holds back a fast neighbour: the agent adds the
/// endpoints due now, and `poll` hands back whatever finished meanwhile.
///
/// Not thread-safe: one thread adds, polls and drops it (the engine's round, the agent's loop).
public final class ProbeSession {
    private let multi: UnsafeMutableRawPointer
    private var pending: [UnsafeMutableRawPointer: (tag: Int, transfer: Transfer)] = [:]

    public init() {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
    }

    deinit {
        for easy in pending.keys { curl_multi_remove_handle(multi, easy) }
        pending.removeAll()
        curl_multi_cleanup(multi)
    }

    /// How many probes are in flight.
    public var inFlight: Int { pending.count }

    /// Starts probing `endpoint`; `now` is the probe's timestamp (the same for endpoints
    /// started together), `tag` comes back with its result.
    public func add(_ endpoint: Endpoint, vantage: Vantage, now: Date, tag: Int) {
        let transfer = Transfer(endpoint: endpoint, vantage: vantage, now: now)
        pending[transfer.handle.raw] = (tag, transfer)
        curl_multi_add_handle(multi, transfer.handle.raw)
    }

    /// Drives the transfers until at least one probe finished or `timeout` seconds passed, and
    /// returns the probes that finished, with their tags. Returns at once when none is in flight.
    public func poll(timeout: Double) -> [(tag: Int, result: ProbeResult)] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, timeout) * 1000))
        var finished: [(tag: Int, result: ProbeResult)] = []
        while !pending.isEmpty {
            var running: Int32 = 0
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
                    finished.append((entry.tag, result))
                }
            }
            let left = (deadline - ContinuousClock.now).seconds
            if !finished.isEmpty || left <= 0 || pending.isEmpty { break }
            // Wakes on socket activity or curl's own next timer, whichever comes first.
            curl_multi_poll(multi, nil, 0, Int32(min(1000, max(1, left * 1000))), nil)
        }
        return finished
    }
}
