import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 with routes that produce every situation a probe must
/// classify: delays, statuses, redirect chains and loops, large bodies, chosen headers.
///
/// Routes:
/// - `/delay/MS` — 200 after MS milliseconds
/// - `/adjustable` — 200 after the delay last set with `setAdjustableDelay` (0 at first), so a
///   test can turn an endpoint slow and fast again while it is probed
/// - `/status/CODE` — that status
/// - `/redirect/N` — a chain of N redirects ending in 200
/// - `/loop/a` ⇄ `/loop/b` — a redirect loop
/// - `/forever/N` — redirects to `/forever/N+1`, never the same URL twice
/// - `/bytes/N` — N body bytes with Content-Length; `/stream/N` — the same, chunked
/// - `/headers?Name=Value&…` — 200 with those response headers (percent-decoded)
/// - `/echo-host` — 200 with the request's Host header in `X-Seen-Host`
/// - `/vhost/NAME` — a Fastly-looking cache HIT from Frankfurt when the Host header is NAME
///   (port aside), 404 for any other Host: a virtual host that only answers its own name
/// - `/redirect-to?url=URL` — 302 to URL (percent-decoded), another server's included
///
/// Every request's path and headers are recorded (`requests`), so a test can see what a
/// probe sent on each hop of a redirect chain.
public final class LoopbackHTTPServer: Sendable {
    private let listener: LoopbackListener
    private let load: RequestLoad

    public var port: Int { listener.port }

    /// The most requests this server had in progress at once: how a test sees that a probe
    /// round really ran its transfers concurrently, without asserting on wall-clock time.
    public var maxConcurrentRequests: Int { load.maximum }

    /// How many requests have arrived so far.
    public var requestsReceived: Int { load.received }

    /// The requests received so far, in arrival order.
    public var requests: [RecordedRequest] { load.recorded }

    public static func start() throws -> LoopbackHTTPServer {
        let load = RequestLoad()
        let listener = try LoopbackListener { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(RouteHandler(load: load))
            }
        }
        return LoopbackHTTPServer(listener: listener, load: load)
    }

    private init(listener: LoopbackListener, load: RequestLoad) {
        self.listener = listener
        self.load = load
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The delay of `/adjustable` from the next request on.
    public func setAdjustableDelay(milliseconds: Int64) {
        load.adjustableDelay.withLock { $0 = milliseconds }
    }

    public func stop() { listener.stop() }
}

/// Answers one request according to its path (see `LoopbackHTTPServer`).
private final class RouteHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let load: RequestLoad

    init(load: RequestLoad) {
        self.load = load
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        load.begin(RecordedRequest(uri: request.uri, headers: request.headers.map { ($0.name, $0.value) }))
        var route = Route(request: request)
        if route.isAdjustable { route.delayMilliseconds = load.adjustableDelay.withLock { $0 } }
        if route.delayMilliseconds > 0 {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(route.delayMilliseconds)) {
                let (handler, context) = loopBound.value
                handler.respond(route, context: context)
            }
        } else {
            respond(route, context: context)
        }
    }

    private func respond(_ route: Route, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(route.headers)
        let body = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: route.bodyBytes)
        if route.chunked {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        } else {
            headers.add(name: "Content-Length", value: String(route.bodyBytes))
        }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: route.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if route.bodyBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        load.end()
    }
}

/// One request as the server saw it.
public struct RecordedRequest: Sendable {
    public var uri: String
    public var headers: [(name: String, value: String)]

    /// The values of header `name`, case-insensitive.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}

/// Counts requests in progress across the server's connections, records them, and holds the
/// delay of `/adjustable` that every connection reads.
private final class RequestLoad: Sendable {
    private let counts = Mutex((current: 0, maximum: 0, received: 0, recorded: [RecordedRequest]()))
    let adjustableDelay = Mutex<Int64>(0)

    var maximum: Int { counts.withLock { $0.maximum } }
    var received: Int { counts.withLock { $0.received } }
    var recorded: [RecordedRequest] { counts.withLock { $0.recorded } }

    func begin(_ request: RecordedRequest) {
        counts.withLock {
            $0.current += 1
            $0.received += 1
            $0.maximum = max($0.maximum, $0.current)
            $0.recorded.append(request)
        }
    }

    func end() {
        counts.withLock { $0.current -= 1 }
    }
}

/// What a request path asks for.
private struct Route {
    var status = 200
    var delayMilliseconds: Int64 = 0
    var bodyBytes = 2
    var chunked = false
    var isAdjustable = false
    var headers: [(String, String)] = []

    init(request: HTTPRequestHead) {
        let components = URLComponents(string: request.uri)
        let parts = (components?.path ?? request.uri).split(separator: "/").map(String.init)
        let number = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        switch parts.first {
        case "delay":
            delayMilliseconds = Int64(number)
        case "adjustable":
            isAdjustable = true
        case "status":
            status = number
        case "redirect" where number > 0:
            redirect(to: "/redirect/\(number - 1)")
        case "loop":
            redirect(to: parts.last == "a" ? "/loop/b" : "/loop/a")
        case "forever":
            redirect(to: "/forever/\(number + 1)")
        case "bytes":
            bodyBytes = number
        case "stream":
            bodyBytes = number
            chunked = true
        case "headers":
            headers = (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        case "vhost":
            let host = request.headers["Host"].first?.split(separator: ":").first.map(String.init) ?? ""
            if parts.count > 1, host == parts[1] {
                headers = [("X-Served-By", "cache-fra1-FRA"), ("X-Cache", "HIT"), ("Via", "1.1 varnish")]
            } else {
                status = 404
            }
        case "redirect-to":
            redirect(to: components?.queryItems?.first { $0.name == "url" }?.value ?? "/")
        case "echo-host":
            headers = [("X-Seen-Host", request.headers["Host"].first ?? "")]
        default:
            break
        }
    }

    private mutating func redirect(to location: String) {
        status = 302
        headers = [("Location", location)]
    }
}
