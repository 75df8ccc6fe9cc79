import Foundation

/// Reads a child process's pipe with read(2), retrying when a signal interrupts it.
///
/// Foundation's `FileHandle.readDataToEndOfFile()` and `availableData` crash on Linux when
/// read(2) fails with EINTR, which happens whenever a child exits (SIGCHLD) while the test is
/// reading another child's output.
public enum PipeReader {
    /// Everything until end of file.
    public static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        while let chunk = readSome(handle) { data.append(chunk) }
        return data
    }

    /// The next bytes available (blocking until some arrive), or nil at end of file.
    public static func readSome(_ handle: FileHandle) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Data(buffer[..<count]) }
            if count == 0 { return nil }
            if errno != EINTR { return nil }
        }
    }
}
