import CDNTopCore
import Probe

/// One endpoint with test-friendly limits, probed alone.
func probe(_ url: String, configure: (inout Endpoint) -> Void = { _ in }) -> ProbeResult {
    var endpoint = Endpoint(name: "test", site: "loopback", url: url, timeout: 5)
    configure(&endpoint)
    return ProbeEngine().run([endpoint], vantage: Vantage(label: "test"))[0]
}

/// A host name glibc refuses to look up (a DNS label may hold at most 63 characters), so
/// resolution fails inside this machine without a query being sent anywhere.
let unresolvableHost = String(repeating: "a", count: 70) + ".invalid"
