import Foundation

/// Words a failed file operation the way a person can act on it: "disk full", "no such
/// directory", "permission denied", instead of Foundation's
/// `Error Domain=NSCocoaErrorDomain Code=512 "(null)"` or SQLite's "disk I/O error".
public enum FileProblem {
    /// The reason `error` gives, in words; Foundation's own description when none fits.
    public static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return words(errno: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return words(errno: Int32(underlying.code))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return words(errno: ENOENT)
            case .fileWriteNoPermission, .fileReadNoPermission: return words(errno: EACCES)
            case .fileWriteOutOfSpace: return words(errno: ENOSPC)
            case .fileWriteVolumeReadOnly: return words(errno: EROFS)
            default: break
            }
        }
        return ns.localizedDescription
    }

    /// The words for an `errno` value.
    public static func words(errno code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: "disk full"
        case EACCES, EPERM: "permission denied"
        case ENOENT: "no such file or directory"
        case ENOTDIR: "a part of the path is a file, not a directory"
        case EISDIR: "it is a directory"
        case EROFS: "read-only file system"
        default: String(cString: strerror(code))
        }
    }
}
