import CDNTopCore
import Foundation

/// Runs probe rounds on libcurl's multi interface.
///
/// Every endpoint of a round is in flight at once on one thread, so a round of 150 endpoints
/// that each take 300 ms takes about 300 ms, and every provider of a site is measured at the
/// same moment under the same network conditions: the comparison stays fair.
///
/// `run` blocks its calling thread until the round is over; callers that must stay
/// responsive (the UI) call it from a thread of their own. Callers that start endpoints at
/// different moments and want each result as it lands use a `ProbeSession`, as `run` does.
public struct ProbeEngine: Sendable {
    /// Sent unless the endpoint configures its own `User-Agent`, so site owners can recognise
    /// (and exempt from analytics) cdntop's traffic.
    public static let userAgent = "cdntop/0.1.0"

    public init() {}

    /// Probes every endpoint once, concurrently, and returns the results in endpoint order.
    /// `onResult` is called on the calling thread as each probe lands.
    public func run(_ endpoints: [Endpoint], vantage: Vantage,
                    onResult: (ProbeResult) -> Void = { _ in }) -> [ProbeResult] {
        let session = ProbeSession()
        let now = Date()
        for (index, endpoint) in endpoints.enumerated() {
            session.add(endpoint, vantage: vantage, now: now, tag: index)
        }
        var results = [ProbeResult?](repeating: nil, count: endpoints.count)
        while session.inFlight > 0 {
            for (index, result) in session.poll(timeout: 1) {
                results[index] = result
                onResult(result)
            }
        }
        return results.map { $0! }
    }
}
