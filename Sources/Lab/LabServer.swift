import CDNTopCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The offline lab: every (edge, vantage region) pair of a scenario is a POP listening on its
/// own loopback address, all on one port. An agent "in" a region reaches its region's POPs
/// through `resolve` entries, as anycast routes real users, so one machine stands in for a
/// fleet of vantage points. Real HTTPS on SwiftNIO with a throwaway certificate, so a probe
/// pays a real TLS handshake as it does at a real CDN; the latency a probe sees is injected here.
public final class LabServer: Sendable {
    /// Where each POP listens and what an agent probes: known before anything listens, so
    /// `cdntop lab --print-config` can print a running lab's config without binding again.
    public let layout: LabLayout
    public var scenario: Scenario { layout.scenario }
    public var port: Int { layout.port }
    /// The lab's self-signed certificate (PEM), for `curl --cacert` by hand; removed on `stop()`.
    public var certificatePath: String { certificate.certificatePath }
    private let certificate: LabCertificate
    private let group: MultiThreadedEventLoopGroup
    private let channels: [any Channel]

    /// Makes the lab's certificate and starts listening on every POP address; `port` 0 picks a
    /// free one. Fails with a `LabStartError` when the certificate cannot be made.
    public static func start(_ scenario: Scenario, port: Int = 0) throws -> LabServer {
        let certificate = try LabCertificate.make(
            commonName: "cdntop lab \(scenario.site)",
            hostNames: LabLayout.hostNames(of: scenario),
            addresses: LabLayout.addresses(of: scenario))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var channels: [any Channel] = []
        var chosenPort = port
        do {
            let tls = try tlsContext(certificate)
            for (edgeIndex, edge) in scenario.edges.enumerated() {
                for (regionIndex, region) in scenario.regions.enumerated() {
                    guard let pop = edge.pops[region.label] else { continue }
                    let channel = try ServerBootstrap(group: group)
                        .serverChannelOption(.backlog, value: 256)
                        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                        .childChannelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
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
            certificate.remove()
            throw error
        }
        return LabServer(layout: LabLayout(scenario: scenario, port: chosenPort), certificate: certificate,
                         group: group, channels: channels)
    }

    /// One TLS context for every POP: HTTP/1.1 only (the lab's server speaks no HTTP/2), said
    /// through ALPN as a real edge would.
    private static func tlsContext(_ certificate: LabCertificate) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: certificate.keyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }

    private init(layout: LabLayout, certificate: LabCertificate, group: MultiThreadedEventLoopGroup, channels: [any Channel]) {
        self.layout = layout
        self.certificate = certificate
        self.group = group
        self.channels = channels
    }

    public func stop() {
        for channel in channels { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
        certificate.remove()
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
        let location = "https://\(request.headers.first(name: "Host") ?? "lab")\(request.uri)"
        let response = EdgeResponse.plan(edge, pop: pop, location: location, using: &random)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .microseconds(Int64(response.delayMilliseconds * 1000))) {
            let (handler, context) = loopBound.value
            handler.respond(response, keepAlive: keepAlive, context: context)
        }
    }

    /// A client gone mid-handshake or without a TLS close (curl forbids reuse and may just hang
    /// up) ends that connection only.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
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

    /// The host name an agent asks an edge for: `<edge>.<site>`.
    static func hostName(edge: Scenario.Edge, site: String) -> String {
        "\(edge.name).\(site)"
    }

    /// Every edge's host name: the DNS names the lab's certificate is made for.
    static func hostNames(of scenario: Scenario) -> [String] {
        scenario.edges.map { hostName(edge: $0, site: scenario.site) }
    }

    /// Every POP's address: the IP names the lab's certificate is made for.
    static func addresses(of scenario: Scenario) -> [String] {
        scenario.edges.indices.flatMap { edgeIndex in scenario.regions.indices.map { address(edge: edgeIndex, region: $0) } }
    }

    /// The endpoints an agent in `region` probes: one per edge over HTTPS, each host pinned to
    /// the POP that serves the region, like curl --resolve.
    public func endpoints(for region: Vantage) -> [Endpoint] {
        guard let regionIndex = scenario.regions.firstIndex(of: region) else { return [] }
        return scenario.edges.enumerated().map { edgeIndex, edge in
            let host = Self.hostName(edge: edge, site: scenario.site)
            // insecure: the lab's certificate is a throwaway self-signed one made at every lab
            // start for loopback addresses, so there is no CA to verify it against.
            return Endpoint(name: edge.name, site: scenario.site, url: "https://\(host):\(port)/",
                            isOrigin: edge.isOrigin, interval: scenario.interval, timeout: 10,
                            resolve: ["\(host):\(port):\(Self.address(edge: edgeIndex, region: regionIndex))"],
                            insecure: true)
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
            if endpoint.insecure {
                lines += ["# the lab's certificate is a throwaway self-signed one, made at every lab start", "insecure = true"]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
