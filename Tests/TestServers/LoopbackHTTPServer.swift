import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 with routes that produce every situation a probe must
/// classify: delays, statuses, redirect chains and loops, large bodies, chosen headers.
///
/// Routes:
/// - `/delay/MS` — 200 after MS milliseconds
/// - `/status/CODE` — that status
/// - `/redirect/N` — a chain of N redirects ending in 200
/// - `/loop/a` ⇄ `/loop/b` — a redirect loop
/// - `/forever/N` — redirects to `/forever/N+1`, never the same URL twice
/// - `/bytes/N` — N body bytes with Content-Length; `/stream/N` — the same, chunked
/// - `/headers?Name=Value&…` — 200 with those response headers (percent-decoded)
/// - `/echo-host` — 200 with the request's Host header in `X-Seen-Host`
public final class LoopbackHTTPServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let load: RequestLoad
    public let port: Int

    /// The most requests this server had in progress at once: how a test sees that a probe
    /// round really ran its transfers concurrently, without asserting on wall-clock time.
    public var maxConcurrentRequests: Int { load.maximum }

    public static func start() throws -> LoopbackHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let load = RequestLoad()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RouteHandler(load: load))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        return LoopbackHTTPServer(group: group, channel: channel, load: load, port: channel.localAddress?.port ?? 0)
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, load: RequestLoad, port: Int) {
        self.group = group
        self.channel = channel
        self.load = load
        self.port = port
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
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
        load.begin()
        let route = Route(request: request)
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

/// Counts requests in progress across the server's connections.
private final class RequestLoad: Sendable {
    private let counts = Mutex((current: 0, maximum: 0))

    var maximum: Int { counts.withLock { $0.maximum } }

    func begin() {
        counts.withLock { $0.current += 1; $0.maximum = max($0.maximum, $0.current) }
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
    var headers: [(String, String)] = []

    init(request: HTTPRequestHead) {
        let components = URLComponents(string: request.uri)
        let parts = (components?.path ?? request.uri).split(separator: "/").map(String.init)
        let number = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        switch parts.first {
        case "delay":
            delayMilliseconds = Int64(number)
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
