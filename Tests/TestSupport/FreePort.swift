import Foundation
import Synchronization

/// Finds a loopback TCP port that nothing listens on: for "connection refused" tests and for
/// servers (nginx) that need a port number in their config before they start.
public enum FreePort {
    /// Ports already handed out in this process. The kernel may give the same free port to
    /// two bind(0) calls once the first socket is closed, and two fixtures starting at once
    /// would then race for one port (a probe reached another fixture's Varnish once): no port
    /// is handed out twice.
    private static let handedOut = Mutex(Set<Int>())

    public static func next() -> Int {
        while true {
            let port = unusedPort()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
    }

    private static func unusedPort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length)
                return getsockname(socket, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
