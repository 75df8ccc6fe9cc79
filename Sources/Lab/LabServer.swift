import CDNTopCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The offline lab: every (edge, vantage region) pair of a scenario is a POP listening on its
/// own loopback address, all on one port. An agent "in" a region reaches its region's POPs
/// through `resolve` entries, as anycast routes real users, so one machine stands in for a
/// fleet of vantage points. Real HTTP on SwiftNIO; the latency a probe sees is injected here.
public final class LabServer: Sendable {
    /// Where each POP listens and what an agent probes: known before anything listens, so
    /// `cdntop lab --print-config` can print a running lab's config without binding again.
    public let layout: LabLayout
    public var scenario: Scenario { layout.scenario }
    public var port: Int { layout.port }
    private let group: MultiThreadedEventLoopGroup
    private let channels: [any Channel]

    /// Starts listening on every POP address; `port` 0 picks a free one.
    public static func start(_ scenario: Scenario, port: Int = 0) throws -> LabServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var channels: [any Channel] = []
        var chosenPort = port
        do {
            for (edgeIndex, edge) in scenario.edges.enumerated() {
                for (regionIndex, region) in scenario.regions.enumerated() {
                    guard let pop = edge.pops[region.label] else { continue }
                    let channel = try ServerBootstrap(group: group)
                        .serverChannelOption(.backlog, value: 256)
                        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                        .childChannelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                                try channel.pipeline.syncOperations.addHandler(EdgeHandler(edge: edge, pop: pop))
                            }
                        }
                        .bind(host: LabLayout.address(edge: edgeIndex, region: regionIndex), port: chosenPort).wait()
                    chosenPort = channel.localAddress?.port ?? chosenPort
                    channels.append(channel)
                }
            }
        } catch {
            for channel in channels { try? channel.close().wait() }
            try? group.syncShutdownGracefully()
            throw error
        }
        return LabServer(layout: LabLayout(scenario: scenario, port: chosenPort), group: group, channels: channels)
    }

    private init(layout: LabLayout, group: MultiThreadedEventLoopGroup, channels: [any Channel]) {
        self.layout = layout
        self.group = group
        self.channels = channels
    }

    public func stop() {
        for channel in channels { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }
}

/// Answers each request as its edge's POP would, after the injected delay.
private final class EdgeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let edge: Scenario.Edge
    private let pop: Scenario.PointOfPresence
    private var random = SystemRandomNumberGenerator()

    init(edge: Scenario.Edge, pop: Scenario.PointOfPresence) {
        self.edge = edge
        self.pop = pop
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let keepAlive = request.isKeepAlive
        let location = "http://\(request.headers.first(name: "Host") ?? "lab")\(request.uri)"
        let response = EdgeResponse.plan(edge, pop: pop, location: location, using: &random)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .microseconds(Int64(response.delayMilliseconds * 1000))) {
            let (handler, context) = loopBound.value
            handler.respond(response, keepAlive: keepAlive, context: context)
        }
    }

    private func respond(_ response: EdgeResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        let body = context.channel.allocator.buffer(string: response.status == 200 ? "cdntop lab: \(edge.name) at \(pop.code)\n" : "")
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Content-Type", value: "text/html")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { bound.value.close(promise: nil) }
        }
    }
}

/// A scenario laid out on one port: each (edge, region) POP's loopback address and the
/// endpoints and config of an agent in each region.
public struct LabLayout: Sendable {
    public let scenario: Scenario
    public let port: Int

    public init(scenario: Scenario, port: Int) {
        self.scenario = scenario
        self.port = port
    }

    /// The loopback address of an edge's POP for a region: 127.0.(10 + edge).(1 + region).
    public static func address(edge: Int, region: Int) -> String {
        "127.0.\(10 + edge).\(1 + region)"
    }

    /// The endpoints an agent in `region` probes: one per edge, each host pinned to the POP
    /// that serves the region, like curl --resolve.
    public func endpoints(for region: Vantage) -> [Endpoint] {
        guard let regionIndex = scenario.regions.firstIndex(of: region) else { return [] }
        return scenario.edges.enumerated().map { edgeIndex, edge in
            let host = "\(edge.name).\(scenario.site)"
            return Endpoint(name: edge.name, site: scenario.site, url: "http://\(host):\(port)/",
                            isOrigin: edge.isOrigin, interval: scenario.interval, timeout: 10,
                            resolve: ["\(host):\(port):\(Self.address(edge: edgeIndex, region: regionIndex))"])
        }
    }

    /// A cdntop config for an agent in `region`, so `cdntop probe` run by hand (or on another
    /// terminal) probes the lab exactly as the demo's own agents do.
    public func config(for region: Vantage) -> String {
        var lines = ["# cdntop config for an agent in \(region.label), probing the lab's \(scenario.name) scenario",
                     "[agent]", "region = \"\(region.label)\""]
        if let continent = region.continent { lines.append("continent = \"\(continent.rawValue)\"") }
        for endpoint in endpoints(for: region) {
            lines += ["", "[[endpoint]]", "name = \"\(endpoint.name)\"", "site = \"\(endpoint.site)\"",
                      "url = \"\(endpoint.url)\"", "interval = \"\(HumanDuration.format(seconds: endpoint.interval))\""]
            if endpoint.isOrigin { lines.append("origin = true") }
            lines.append("resolve = [" + endpoint.resolve.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
