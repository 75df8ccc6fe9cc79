import CDNTopCore
import Foundation

/// How far one log file has been read: what the store keeps beside the minutes read from it.
public struct FileMark: Sendable, Hashable {
    public var source: String
    /// Device and inode ("2049:1234"): a rotated file is another file.
    public var fileID: String
    public var offset: Int64

    public init(source: String, fileID: String, offset: Int64) {
        self.source = source
        self.fileID = fileID
        self.offset = offset
    }
}

/// Where ingest puts what it counted: the traffic store, behind the command's wiring.
public protocol TrafficSink: AnyObject {
    /// Where reading `source` stopped last time, nil when it never ran.
    func resumeMark(source: String) throws -> FileMark?
    /// Stores `minutes` and, in the same transaction, `mark` (nil for stdin).
    func store(_ minutes: [TrafficMinute], mark: FileMark?) throws
}

/// What an ingest did, for the summary on stderr.
public struct IngestSummary: Sendable {
    public var lines = 0
    public var malformed = 0
    /// Line numbers of the first few malformed lines, with their file.
    public var firstMalformed: [(source: String, line: Int, offset: Int64)] = []
    /// Distinct (site, provider, minute) rows written. A minute split across two writes is
    /// counted once: logs run in time order, so only the previous write's minutes are kept
    /// to compare with, and memory stays flat however long the log.
    public var minutesStored = 0
    fileprivate var previousMinuteKeys = Set<Int>()

    public static let malformedShown = 5
}

/// Why an ingest stopped before the end: the message says what to fix.
public struct IngestError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// The format (or `--site`) does not fit the log: an argument to change.
        case arguments
        /// A file cannot be read.
        case input
    }

    public let kind: Kind
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// Reads log files (or stdin) through a format, counts them per minute and stores the
/// minutes with each file's position, once at the end and at least every second while
/// reading (or following) — so a stop at any point loses nothing and, on restart, reads
/// nothing twice.
public final class LogIngest {
    /// A format that reads none of the first lines is the wrong format, not ten bad lines.
    public static let linesBeforeFormatError = 10
    static let flushInterval: TimeInterval = 1
    static let maximumPendingMinutes = 20_000
    /// How long a rotated file is still read after its last new line: servers reopen their
    /// log within moments of logrotate's signal.
    static let rotatedFileQuiet: TimeInterval = 5

    fileprivate let choice: LogFormatChoice
    private let site: String?
    private let provider: Provider?
    fileprivate let sink: any TrafficSink
    fileprivate let say: (String) -> Void
    public private(set) var summary = IngestSummary()

    public init(choice: LogFormatChoice, site: String?, provider: Provider?, sink: any TrafficSink,
                say: @escaping (String) -> Void) {
        self.choice = choice
        self.site = site
        self.provider = provider
        self.sink = sink
        self.say = say
    }

    /// Ingests `paths` ("-" is stdin) to their end; with `follow`, keeps reading as they grow
    /// until `pause` (which waits up to the given seconds) returns true: a stop was asked for.
    public func run(paths: [String], follow: Bool, pause: (TimeInterval) -> Bool) throws {
        if choice.name != .auto {
            // A format that cannot be compiled is said before any file is opened.
            do { _ = try choice.parser(firstLines: []) } catch { throw IngestError(.arguments, error.description) }
        }
        var sources: [LogSource] = []
        defer { sources.forEach { $0.close() } }
        for path in paths {
            if let source = try LogSource(path: path, ingest: self, alreadyOpen: sources) { sources.append(source) }
        }
        if !follow {
            for source in sources {
                while try source.readChunk() == .more {
                    if pause(0) { try source.flush(); return }
                }
                try source.finish(endOfInput: true)
            }
            return
        }
        while true {
            var busy = false
            for source in sources {
                if try source.readChunk() == .more {
                    busy = true
                } else {
                    try source.flush()
                    try source.followRotation()
                }
            }
            if pause(busy ? 0 : 0.1) {
                for source in sources { try source.finish(endOfInput: false) }
                return
            }
        }
    }

    // MARK: Shared by the sources

    fileprivate func makeParser(firstLine: LogBytes, source: String) throws -> any LogLineParser {
        do {
            let (parser, sniffed) = try choice.parser(firstLines: [Array(firstLine)])
            if let sniffed { say("\(source): --format auto chose \(sniffed); pass --format to choose yourself") }
            return parser
        } catch {
            throw IngestError(.arguments, error.description)
        }
    }

    fileprivate func aggregator(for parser: any LogLineParser) -> TrafficAggregator {
        TrafficAggregator(site: site, provider: provider ?? parser.defaultProvider, parser: parser)
    }

    fileprivate func store(_ minutes: [TrafficMinute], mark: FileMark?) throws {
        try sink.store(minutes, mark: mark)
        let keys = Set(minutes.map { minute in
            var hasher = Hasher()
            hasher.combine(minute.site)
            hasher.combine(minute.provider)
            hasher.combine(minute.minute)
            return hasher.finalize()
        })
        guard !keys.isEmpty else { return }
        summary.minutesStored += keys.subtracting(summary.previousMinuteKeys).count
        summary.previousMinuteKeys = keys
    }

    fileprivate func countLine() { summary.lines += 1 }

    fileprivate func countMalformed(source: String, line: Int, startOffset: Int64) {
        summary.malformed += 1
        if summary.firstMalformed.count < IngestSummary.malformedShown {
            summary.firstMalformed.append((source, line, startOffset))
        }
    }
}

/// One file (or stdin) being read: its descriptor, reader, parser and counts.
private final class LogSource {
    let path: String
    let name: String
    private unowned let ingest: LogIngest
    private var descriptor: Int32
    private var fileID: String?
    private var reader: LineReader
    /// The format and counts, once the first line has chosen the format.
    private var reading: (any LineReading)?
    private var aggregator: TrafficAggregator? { reading?.aggregator }
    /// Line numbers count from `startOffset`, where this run began reading.
    private var startOffset: Int64
    private var lineNumber = 0
    private var readOne = false
    private var firstFailure: (line: [UInt8], problem: LineProblem)?
    private var failuresBeforeFirst = 0
    private var lastFlush = Date()
    /// The position last stored: an idle followed file writes nothing.
    private var storedMark: FileMark?
    /// The file rotated away, still read while its writer may not have reopened yet; its
    /// lines are stored with the new file's position (the old one is never resumed).
    private var retired: (reader: LineReader, lastData: Date)?

    var isStandardInput: Bool { path == "-" }

    /// Nil when `path` is a file of `alreadyOpen` under another name (said on stderr): one
    /// file is counted once.
    init?(path: String, ingest: LogIngest, alreadyOpen: [LogSource]) throws {
        self.ingest = ingest
        self.path = path
        if path == "-" {
            name = "stdin"
            descriptor = STDIN_FILENO
            startOffset = 0
            reader = LineReader(descriptor: descriptor, offset: 0)
            return
        }
        name = URL(fileURLWithPath: path).standardizedFileURL.path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IngestError(.input, "\(path): cannot open: \(POSIXFailure(errno: errno))") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw IngestError(.input, "\(path): cannot stat: \(POSIXFailure(errno: errno))") }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            Foundation.close(descriptor)
            throw IngestError(.input, "\(path): is a directory, not a log file")
        }
        let id = Self.fileID(status)
        if let same = alreadyOpen.first(where: { $0.fileID == id }) {
            Foundation.close(descriptor)
            ingest.say("\(path): the same file as \(same.path), given before; read once")
            return nil
        }
        do { try Self.lock(descriptor, path: path) } catch { Foundation.close(descriptor); throw error }
        fileID = id
        var offset: Int64 = 0
        if let mark = try ingest.sink.resumeMark(source: name), mark.fileID == id, mark.offset <= Int64(status.st_size) {
            offset = mark.offset
            lseek(descriptor, off_t(offset), SEEK_SET)
        }
        startOffset = offset
        reader = LineReader(descriptor: descriptor, offset: offset)
    }

    static func fileID(_ status: stat) -> String { "\(status.st_dev):\(status.st_ino)" }

    /// Two ingests of one file would count its lines twice: each takes an exclusive `flock`
    /// on the log file itself (no lock file to leave behind; the kernel drops it when the
    /// process ends, however it ends; servers writing the log take no such lock).
    private static func lock(_ descriptor: Int32, path: String) throws {
        guard flock(descriptor, LOCK_EX | LOCK_NB) != 0 else { return }
        let failure = errno
        if failure == EWOULDBLOCK {
            throw IngestError(.input, "\(path): another cdntop logs ingest is reading this file (it holds a lock on it); stop that one first, or ingest another file")
        }
        throw IngestError(.input, "\(path): cannot lock: \(POSIXFailure(errno: failure))")
    }

    func readChunk() throws -> LineReader.Outcome {
        var outcome = try read(reader, numbered: true)
        if try drainRetired() == .more { outcome = .more }
        if let aggregator, Date().timeIntervalSince(lastFlush) >= LogIngest.flushInterval
            || aggregator.pendingMinutes > LogIngest.maximumPendingMinutes {
            try flush()
        }
        return outcome
    }

    /// Stores what was counted, with the position it was counted up to. Nothing is stored
    /// while the format might still turn out wrong (no line read yet).
    func flush() throws {
        guard let aggregator, readOne else { return }
        let minutes = aggregator.drain()
        lastFlush = Date()
        let mark = fileID.map { FileMark(source: name, fileID: $0, offset: reader.consumedOffset) }
        guard !minutes.isEmpty || (mark != nil && mark != storedMark) else { return }
        try ingest.store(minutes, mark: mark)
        storedMark = mark
    }

    private func storeMark(_ mark: FileMark) throws {
        guard mark != storedMark else { return }
        try ingest.store([], mark: mark)
        storedMark = mark
    }

    /// The end: stdin's unfinished last line is a line; a file's waits for the next run.
    func finish(endOfInput: Bool) throws {
        if endOfInput, isStandardInput {
            try reader.finishUnterminatedLine({ try take($0, numbered: true) }, overlong: { overlong(numbered: true) })
        }
        try closeRetired()
        if !readOne, let firstFailure { throw formatError(firstFailure) }
        try flush()
    }

    func close() {
        if !isStandardInput { Foundation.close(descriptor) }
        if let retired { Foundation.close(retired.reader.descriptor) }
        retired = nil
    }

    /// Keeps the file just rotated away open: the server goes on writing to it until it
    /// reopens its log (after logrotate's signal), and those lines count too.
    private func retireCurrent() throws {
        try closeRetired()
        retired = (reader, Date())
    }

    /// Reads what was written to the rotated file since; closes it once it has been quiet
    /// for `LogIngest.rotatedFileQuiet`.
    private func drainRetired() throws -> LineReader.Outcome {
        guard let current = retired else { return .endOfFile }
        let outcome = try read(current.reader, numbered: false)
        if outcome == .more {
            retired?.lastData = Date()
        } else if Date().timeIntervalSince(current.lastData) >= LogIngest.rotatedFileQuiet {
            try closeRetired()
        }
        return outcome
    }

    /// Reads the rotated file to its end and closes it.
    private func closeRetired() throws {
        guard let current = retired else { return }
        retired = nil
        defer { Foundation.close(current.reader.descriptor) }
        while try read(current.reader, numbered: false) == .more {}
    }

    /// `numbered` is false for the rotated file's lines: line numbers are the current file's.
    private func read(_ reader: LineReader, numbered: Bool) throws -> LineReader.Outcome {
        try reader.readChunk(line: { try self.take($0, numbered: numbered) }, overlong: { self.overlong(numbered: numbered) })
    }

    /// At the end of a followed file: a new file at the path (rotation) is read from its
    /// start, the old one still read until it goes quiet; a file shorter than what was read
    /// (truncation, copytruncate) is read again from its start.
    func followRotation() throws {
        guard !isStandardInput else { return }
        var status = stat()
        guard stat(path, &status) == 0 else { return }  // moved away, the new one not there yet
        let id = Self.fileID(status)
        if id != fileID {
            while try readChunk() == .more {}
            try flush()
            let next = open(path, O_RDONLY | O_CLOEXEC)
            guard next >= 0 else { return }
            do { try Self.lock(next, path: path) } catch { Foundation.close(next); throw error }
            try retireCurrent()
            descriptor = next
            var opened = stat()
            fstat(next, &opened)
            fileID = Self.fileID(opened)
            reader = LineReader(descriptor: next, offset: 0)
            startOffset = 0
            lineNumber = 0
            ingest.say("\(name): rotated; reading the new file from its start")
        } else if Int64(status.st_size) < reader.readOffset {
            // What was counted is stored with the offset it was counted to, then the restart
            // at 0 right away: a stop before the next flush must not resume at the old offset
            // inside a file that has meanwhile grown past it.
            try flush()
            lseek(descriptor, 0, SEEK_SET)
            reader.restart(at: 0)
            startOffset = 0
            lineNumber = 0
            if readOne, let fileID { try storeMark(FileMark(source: name, fileID: fileID, offset: 0)) }
            ingest.say("\(name): truncated; reading it again from its start")
        }
    }

    // MARK: Lines

    /// `numbered` is false for the rotated file's lines: line numbers are the current file's.
    private func take(_ line: LogBytes, numbered: Bool) throws {
        if numbered { lineNumber += 1 }
        guard !line.isEmpty else { return }
        ingest.countLine()
        let reading: any LineReading
        if let existing = self.reading {
            reading = existing
        } else {
            reading = Self.reading(try ingest.makeParser(firstLine: line, source: name), ingest: ingest)
            self.reading = reading
        }
        let problem: LineProblem?
        do {
            problem = try reading.read(line)
        } catch {
            throw IngestError(.arguments, "\(name):\(lineNumber): the line has no host to tell its site, and no --site was given: pass --site NAME")
        }
        if let problem {
            malformed(line: line, problem: problem)
            if !readOne, failuresBeforeFirst >= LogIngest.linesBeforeFormatError, let firstFailure {
                throw formatError(firstFailure)
            }
            return
        }
        readOne = true
    }

    /// A line skipped for its length is a line of the file, and a malformed one.
    private func overlong(numbered: Bool) {
        if numbered { lineNumber += 1 }
        ingest.countLine()
        malformed(line: nil, problem: nil)
    }

    private func malformed(line: LogBytes?, problem: LineProblem?) {
        if !readOne {
            failuresBeforeFirst += 1
            if firstFailure == nil {
                firstFailure = (line.map(Array.init) ?? [], problem ?? LineProblem(expected: "a line shorter than \(LineReader.maximumLineLength) bytes", position: 0))
            }
        }
        ingest.countMalformed(source: name, line: lineNumber, startOffset: startOffset)
        aggregator?.addMalformed()
    }

    private func formatError(_ failure: (line: [UInt8], problem: LineProblem)) -> IngestError {
        let shown = Sanitizer.clean(bytes: failure.line.prefix(160)) + (failure.line.count > 160 ? "…" : "")
        let near = Sanitizer.clean(bytes: failure.line.dropFirst(failure.problem.position).prefix(24))
        let format = reading?.summary ?? ingest.choice.name.rawValue
        return IngestError(.arguments, """
            \(name): no line reads as \(format): the first line (\(lineLabel)) has \
            \(near.isEmpty ? "nothing" : "'\(near)'") at byte \(failure.problem.position + 1) where the format expects \
            \(failure.problem.expected). The line: \(shown)
            Check --format, and --log-format against the server's own log format.
            """)
    }

    private var lineLabel: String {
        startOffset > 0 ? "from byte \(startOffset), where the last run stopped" : "line 1"
    }
}

extension LogSource {
    /// The reading of a parser's concrete type (opened from the existential once), so each
    /// line's parse is a direct, specialized call and no parser is copied per line.
    fileprivate static func reading(_ parser: some LogLineParser, ingest: LogIngest) -> any LineReading {
        ParserReading(parser: parser, aggregator: ingest.aggregator(for: parser))
    }
}

/// A format and the aggregator it counts into, for one source.
private protocol LineReading: AnyObject {
    var aggregator: TrafficAggregator { get }
    var summary: String { get }
    /// Counts `line`; nil when it was read, else why not.
    func read(_ line: LogBytes) throws(MissingSite) -> LineProblem?
}

private final class ParserReading<Parser: LogLineParser>: LineReading {
    let parser: Parser
    let aggregator: TrafficAggregator
    private var record = LogRecord()

    init(parser: Parser, aggregator: TrafficAggregator) {
        self.parser = parser
        self.aggregator = aggregator
    }

    var summary: String { parser.summary }

    func read(_ line: LogBytes) throws(MissingSite) -> LineProblem? {
        record.reset()
        if let problem = parser.parse(line, into: &record) { return problem }
        try aggregator.add(record)
        return nil
    }
}

