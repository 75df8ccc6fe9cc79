import Foundation

/// A value handed between a test and the threads it starts (pipe readers, concurrent openers).
public final class Mutexed<Value>: @unchecked Sendable {
    // @unchecked: every access to `stored` holds `lock`.
    private let lock = NSLock()
    private var stored: Value?

    public init() {}

    public var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    public var isSet: Bool { value != nil }

    public func append<Element>(_ element: Element) where Value == [Element] {
        lock.withLock { stored = (stored ?? []) + [element] }
    }
}
