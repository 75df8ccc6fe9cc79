import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that answers every connection with fixed bytes and closes it.
///
/// It stands in for servers no well-behaved HTTP library would imitate: garbled status
/// lines, header values carrying terminal escape sequences, a connection closed before any
/// reply. It waits for the end of the request head so the client has finished sending.
public final class RawResponseServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    public let port: Int

    public static func start(replying response: [UInt8]) throws -> RawResponseServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FixedReplyHandler(response: response))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        return RawResponseServer(group: group, channel: channel, port: channel.localAddress?.port ?? 0)
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, port: Int) {
        self.group = group
        self.channel = channel
        self.port = port
    }

    public var url: String { "http://127.0.0.1:\(port)/" }

    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

private final class FixedReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let response: [UInt8]
    private var received: [UInt8] = []

    init(response: [UInt8]) {
        self.response = response
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard received.suffix(4) == Array("\r\n\r\n".utf8) else { return }
        let reply = context.channel.allocator.buffer(bytes: response)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
    }
}
