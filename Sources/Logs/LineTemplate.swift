import Foundation
import CDNTopCore

/// What a field of a text log format holds, as far as cdntop reads it. nginx variables and
/// varnishncsa codes both compile to these; everything cdntop does not keep (client address,
/// user agent, referer, query string) is `ignored` and never leaves the line.
enum FieldMeaning: Sendable, Equatable {
    case commonLogTime, iso8601Time, epochTime
    case request, status, bytes, cache, contentType, host, path, pop, protocolVersion
    /// A duration in seconds ("0.012") or microseconds: the TTFB figure of the format.
    case ttfbSeconds, ttfbMicroseconds
    case ignored

    var isTime: Bool { self == .commonLogTime || self == .iso8601Time || self == .epochTime }

    /// Spaces inside the value: the Common Log time has one ("10/Oct/2000:13:55:36 -0700"),
    /// so when a space follows it, the value ends at the second space, not the first.
    var innerSpaces: Int { self == .commonLogTime ? 1 : 0 }
}

/// A text log format (nginx `log_format`, varnishncsa `-F`) as literal text and fields in
/// turn. A line is read by matching each literal exactly and taking each field up to the
/// first byte of the literal after it, so a quoted field ends at its closing quote (both
/// nginx and varnishncsa escape quotes inside values) and a bracketed time at its bracket.
struct LineTemplate: Sendable {
    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        /// `name` is how the format spells it ("$status", "%{Varnish:hitmiss}x"), for messages.
        case field(FieldMeaning, name: String)
    }

    let segments: [Segment]
    private let steps: [Step]
    private let literalBytes: [UInt8]
    /// JSON-escaped values (nginx `escape=json`) may hold `\"`: a quote after an odd number
    /// of backslashes does not end the field.
    let backslashEscapedQuotes: Bool

    /// Checks what the aggregator needs and refuses formats that cannot be read unambiguously.
    init(segments: [Segment], backslashEscapedQuotes: Bool, formatName: String) throws(LogFormatError) {
        var merged: [Segment] = []
        for segment in segments {
            if case .literal(let next) = segment, case .literal(let previous)? = merged.last {
                merged[merged.count - 1] = .literal(previous + next)
            } else if case .literal(let text) = segment, text.isEmpty {
                continue
            } else {
                merged.append(segment)
            }
        }
        var previousField: String?
        for segment in merged {
            if case .field(_, let name) = segment {
                if let previousField {
                    throw LogFormatError("\(formatName): \(previousField) and \(name) have nothing between them, so a line cannot tell where one ends; put a space or other text between them")
                }
                previousField = name
            } else {
                previousField = nil
            }
        }
        let meanings = merged.compactMap { segment -> FieldMeaning? in
            if case .field(let meaning, _) = segment { return meaning } else { return nil }
        }
        guard meanings.contains(where: \.isTime) else {
            throw LogFormatError("\(formatName) has no time field: cdntop counts requests per minute and needs one")
        }
        self.segments = merged
        (steps, literalBytes) = Self.compile(merged)
        self.backslashEscapedQuotes = backslashEscapedQuotes
    }

    /// The format written back, for messages.
    var text: String {
        segments.map { segment in
            switch segment {
            case .literal(let bytes): String(decoding: bytes, as: UTF8.self)
            case .field(_, let name): name
            }
        }.joined()
    }

    /// Splits `line` into its fields and hands each kept one to `read`; nil when the line
    /// matched the template, else where it did not. Runs on `steps`, the segments flattened
    /// into plain values, so a line costs no reference counting.
    func match(_ line: LogBytes, into record: inout LogRecord,
               read: (FieldMeaning, LogBytes, inout LogRecord) -> Bool) -> LineProblem? {
        guard let base = line.baseAddress else { return LineProblem(expected: "a line that is not empty", position: 0) }
        return steps.withUnsafeBufferPointer { steps in
            literalBytes.withUnsafeBufferPointer { literals in
                var position = 0
                for index in 0..<steps.count {
                    let step = steps[index]
                    if !step.isField {
                        guard position + step.literalCount <= line.count,
                              Self.equal(base + position, literals.baseAddress! + step.literalStart, step.literalCount)
                        else { return LineProblem(expected: literalExpectation(index), position: position) }
                        position += step.literalCount
                        continue
                    }
                    guard let end = fieldEnd(in: line, from: position, step: step) else {
                        return LineProblem(expected: "\(name(index)) followed by \(describeNext(index))", position: position)
                    }
                    if step.meaning != .ignored, !read(step.meaning, line.slice(position..<end), &record) {
                        return LineProblem(expected: "a value of \(name(index))", position: position)
                    }
                    position = end
                }
                guard position == line.count else {
                    return LineProblem(expected: "the end of the line\(after(segments.count))", position: position)
                }
                return nil
            }
        }
    }

    /// Literals are mostly a byte or three (" ", "] \"", "\" "): a loop beats a call to memcmp.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count <= 8 else { return memcmp(a, b, count) == 0 }
        for index in 0..<count where a[index] != b[index] { return false }
        return true
    }

    /// A segment as `match` reads it: a literal's place in `literalBytes`, or a field's
    /// meaning and the byte that ends it.
    struct Step {
        var isField: Bool
        var meaning: FieldMeaning
        var literalStart: Int
        var literalCount: Int
        /// The first byte of the literal after a field; `endsLine` when none follows.
        var delimiter: UInt8
        var endsLine: Bool
        var innerSpaces: Int
    }

    private static func compile(_ segments: [Segment]) -> (steps: [Step], literals: [UInt8]) {
        var steps: [Step] = []
        var literals: [UInt8] = []
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                steps.append(Step(isField: false, meaning: .ignored, literalStart: literals.count, literalCount: text.count,
                                  delimiter: 0, endsLine: false, innerSpaces: 0))
                literals += text
            case .field(let meaning, _):
                var next: UInt8?
                if index + 1 < segments.count, case .literal(let text) = segments[index + 1] { next = text.first }
                steps.append(Step(isField: true, meaning: meaning, literalStart: 0, literalCount: 0, delimiter: next ?? 0,
                                  endsLine: next == nil,
                                  innerSpaces: next == UInt8(ascii: " ") ? meaning.innerSpaces : 0))
            }
        }
        return (steps, literals)
    }

    private func fieldEnd(in line: LogBytes, from start: Int, step: Step) -> Int? {
        guard !step.endsLine else { return line.count }
        var skip = step.innerSpaces
        var position = start
        guard let base = line.baseAddress else { return nil }
        while position < line.count {
            guard let found = memchr(base + position, Int32(step.delimiter), line.count - position) else { return nil }
            let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if backslashEscapedQuotes, isEscaped(line, offset, from: start) {
                position = offset + 1
                continue
            }
            if skip > 0 {
                skip -= 1
                position = offset + 1
                continue
            }
            return offset
        }
        return nil
    }

    private func isEscaped(_ line: LogBytes, _ offset: Int, from start: Int) -> Bool {
        var backslashes = 0
        var index = offset - 1
        while index >= start, line[index] == UInt8(ascii: "\\") {
            backslashes += 1
            index -= 1
        }
        return backslashes % 2 == 1
    }

    private func name(_ index: Int) -> String {
        if case .field(_, let name) = segments[index] { return name }
        return ""
    }

    private func literalExpectation(_ index: Int) -> String {
        guard case .literal(let text) = segments[index] else { return "" }
        return "the text '\(String(decoding: text, as: UTF8.self))'\(after(index))"
    }

    private func after(_ index: Int) -> String {
        guard index > 0, case .field(_, let name) = segments[index - 1] else { return "" }
        return " after \(name)"
    }

    private func describeNext(_ index: Int) -> String {
        guard index + 1 < segments.count, case .literal(let text) = segments[index + 1] else { return "the end of the line" }
        return "'\(String(decoding: text, as: UTF8.self))'"
    }
}

/// Reads the fields the text formats share into a record. `ttfb` says which duration field
/// is the format's TTFB (the others are ignored), decided once per format.
enum TemplateFields {
    static func read(_ meaning: FieldMeaning, _ value: LogBytes, into record: inout LogRecord) -> Bool {
        switch meaning {
        case .commonLogTime:
            guard let seconds = FieldReading.commonLogTime(value) else { return false }
            record.seconds = seconds
            record.hasTime = true
        case .iso8601Time:
            guard let seconds = FieldReading.iso8601Time(value) else { return false }
            record.seconds = seconds
            record.hasTime = true
        case .epochTime:
            guard let seconds = FieldReading.epochTime(value) else { return false }
            record.seconds = seconds
            record.hasTime = true
        case .request:
            FieldReading.requestLine(value, into: &record)
        case .status:
            record.status = FieldReading.integer(value).map { $0 < 1000 ? Int($0) : 0 } ?? 0
        case .bytes:
            record.bytes = FieldReading.integer(value) ?? 0
        case .cache:
            record.cache = value.isAbsent ? .none : value
        case .contentType:
            record.contentType = value.isAbsent ? .none : value
        case .host:
            if !value.isAbsent { record.host = value }
        case .path:
            if !value.isAbsent { FieldReading.absoluteTarget(value, into: &record) }
        case .pop:
            record.pop = value.isAbsent ? .none : value
        case .protocolVersion:
            record.version = LoggedHTTPVersion(value)
        case .ttfbSeconds:
            if let seconds = FieldReading.decimal(FieldReading.firstListEntry(value)) {
                record.ttfbMilliseconds = seconds * 1000
            }
        case .ttfbMicroseconds:
            if let microseconds = FieldReading.integer(value) {
                record.ttfbMilliseconds = Double(microseconds) / 1000
            }
        case .ignored:
            break
        }
        return true
    }
}

/// A log format that cannot be used as given, with what to fix.
public struct LogFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
