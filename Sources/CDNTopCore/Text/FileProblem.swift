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
        // Foundation on Linux often gives no reason at all (`Code=512 "(null)"`): look at
        // the path it names instead.
        if let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path,
           let reason = reason(besides: path) {
            return reason
        }
        return ns.localizedDescription
    }

    /// Why `path` cannot be created: the first ancestor that exists is a file, or cannot be
    /// written. Nil when nothing on the path explains it.
    private static func reason(besides path: String) -> String? {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        var ancestor = parent
        while ancestor.path != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { return words(errno: ENOTDIR) }
                if ancestor != parent { return words(errno: ENOENT) }
                return access(ancestor.path, W_OK) == 0 ? nil : words(errno: errno)
            }
            ancestor.deleteLastPathComponent()
        }
        return nil
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
