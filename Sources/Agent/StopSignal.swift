import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT, SIGTERM and SIGHUP (a closed ssh session) into a polite request to stop: the
/// agent finishes the round in flight (its probes are delivered, or say where they wait) and
/// then exits. A second signal means "now": it exits at once with the conventional status
/// 128 + signal; what was already queued waits in the outbox.
///
/// `@unchecked Sendable`: `sources` is written once, in `init`, and only kept so the signal
/// sources stay alive; the shared state is the `Mutex`-guarded flag and the semaphore.
public final class StopSignal: @unchecked Sendable {
    private let requested = Mutex(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []

    public init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in receive(number) }
            source.resume()
            sources.append(source)
        }
    }

    public var isRequested: Bool { requested.withLock { $0 } }

    /// Asks the agent to stop, as a signal would.
    public func request() {
        requested.withLock { $0 = true }
        wakeUp.signal()
    }

    /// Wakes a `sleep` early without asking to stop: there is new work (a key asked for a probe).
    public func nudge() {
        wakeUp.signal()
    }

    /// Sleeps up to `seconds`; returns early when nudged, or, with true, when a stop was requested.
    public func sleep(seconds: Double) -> Bool {
        if isRequested { return true }
        if seconds > 0 { _ = wakeUp.wait(timeout: .now() + seconds) }
        return isRequested
    }

    private func receive(_ number: Int32) {
        if isRequested {
            FileHandle.standardError.write(Data("cdntop: second signal, stopping without finishing the round; probes already queued wait in the outbox\n".utf8))
            exit(128 + number)
        }
        request()
    }
}
