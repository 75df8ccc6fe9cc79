import NIOCore

/// A TCP server on 127.0.0.1 that answers every connection with fixed bytes and closes it.
///
/// It stands in for servers no well-behaved HTTP library would imitate: garbled status
/// lines, header values carrying terminal escape sequences, a connection closed before any
/// reply. It waits for the end of the request head so the client has finished sending.
public final class RawResponseServer: Sendable {
    private let listener: LoopbackListener

    public static func start(replying response: [UInt8]) throws -> RawResponseServer {
        RawResponseServer(listener: try LoopbackListener { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(FixedReplyHandler(response: response))
            }
        })
    }

    private init(listener: LoopbackListener) {
        self.listener = listener
    }

    public var url: String { "http://127.0.0.1:\(listener.port)/" }

    public func stop() { listener.stop() }
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
