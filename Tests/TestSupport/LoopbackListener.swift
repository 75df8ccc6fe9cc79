import NIOCore
import NIOPosix

/// A SwiftNIO listener on 127.0.0.1 with its own event loop: what every NIO test server here
/// is made of, so each only describes how it answers.
final class LoopbackListener: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    let port: Int

    /// Binds an ephemeral port; `childInitializer` sets up each accepted connection's pipeline.
    init(childInitializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer(childInitializer)
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}
