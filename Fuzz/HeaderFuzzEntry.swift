import CDNTopCore

/// libFuzzer's entry point: the input is one response's header lines as libcurl hands them
/// over (split at LF, each line with its ending), fed through the collector, the classifier
/// and the sanitizer. It traps when anything unsafe comes out or a trailer changes the headers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) + [0x0A] }
    if bytes.last == 0x0A { lines.removeLast() }
    // The block ends at the first blank line; what follows plays the trailers.
    let end = lines.firstIndex { $0 == [0x0D, 0x0A] || $0 == [0x0A] } ?? lines.endIndex
    var whole = ResponseHeaderCollector()
    var headersOnly = ResponseHeaderCollector()
    let status = Array("HTTP/1.1 200 OK\r\n".utf8)
    for (index, line) in ([status] + lines).enumerated() {
        line.withUnsafeBufferPointer { whole.consume(line: $0) }
        if index <= end { line.withUnsafeBufferPointer { headersOnly.consume(line: $0) } }
    }
    let headers = whole.headers
    let classification = Classifier.classify(headers)
    let texts: [String] = (headers + whole.trailers).flatMap { [$0.name, $0.value] }
        + [classification.cacheRaw, classification.pop].compactMap { $0 }
        + [Sanitizer.clean(bytes: bytes)]
    for text in texts {
        precondition(!text.unicodeScalars.contains(where: isUnsafe), "unsafe output: \(text.debugDescription)")
        precondition(Sanitizer.clean(text) == text, "not idempotent: \(text.debugDescription)")
    }
    precondition(headers == headersOnly.headers, "trailers changed the headers")
    return 0
}

private func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator: true
    default: false
    }
}
