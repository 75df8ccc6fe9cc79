import ArgumentParser
import CDNTopCore
import Foundation

/// A duration flag (`--refresh`, `--duration`): `500ms`, `10s`, `5m`, `1h`, `7d`, parsed once
/// with the other arguments, so a value that is not a duration is ArgumentParser's usage error
/// (exit 64) and the command only ever sees seconds.
struct DurationArgument: ExpressibleByArgument, Equatable {
    let seconds: Double

    init(seconds: Double) {
        self.seconds = seconds
    }

    init?(argument: String) {
        guard let seconds = HumanDuration.seconds(argument), seconds > 0 else { return nil }
        self.seconds = seconds
    }

    var defaultValueDescription: String { HumanDuration.format(seconds: seconds) }

    /// Rejects a value outside what `flag` can use, as a usage error naming the range.
    func require(_ range: ClosedRange<Double>, flag: String) throws {
        guard !range.contains(seconds) else { return }
        throw ValidationError("\(flag) \(HumanDuration.format(seconds: seconds)): write a duration from "
                              + "\(HumanDuration.format(seconds: range.lowerBound)) to \(HumanDuration.format(seconds: range.upperBound))")
    }
}

/// `--since`: how long ago (`24h`, `7d`) or from when (an RFC 3339 time).
struct SinceArgument: ExpressibleByArgument {
    private enum Start {
        case ago(seconds: Double)
        case at(Date)
    }

    private let start: Start

    init?(argument: String) {
        if let duration = DurationArgument(argument: argument) {
            start = .ago(seconds: duration.seconds)
        } else if let date = Self.time(argument) {
            start = .at(date)
        } else {
            return nil
        }
    }

    /// The moment meant, counting a duration back from `now`.
    func date(now: Date) -> Date {
        switch start {
        case .ago(let seconds): now.addingTimeInterval(-seconds)
        case .at(let date): date
        }
    }

    private static func time(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
