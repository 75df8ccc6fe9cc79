/// Which `ContentClass` a response belongs to, from its `Content-Type` or, when a log does not
/// record one (Bunny, nginx's `combined`), from the path's extension.
extension ContentClass {
    /// The class of a `Content-Type` value ("text/html; charset=utf-8"): parameters and case
    /// are ignored. Streaming manifests (HLS, DASH) count as audio/video, because they are
    /// fetched by players beside the segments; SVG is an image, whatever its XML syntax.
    /// Nil for an empty value or "-" (the log had none).
    public init?(contentType: some StringProtocol) {
        let media = contentType.prefix { $0 != ";" }.lowercased().filter { $0 != " " }
        guard !media.isEmpty, media != "-" else { return nil }
        let slash = media.firstIndex(of: "/") ?? media.endIndex
        let type = media[..<slash]
        let subtype = slash < media.endIndex ? media[media.index(after: slash)...] : ""
        switch type {
        case "image": self = .image
        case "audio", "video": self = .audioVideo
        case "font": self = .font
        default: self = Self.classify(type: type, subtype: subtype)
        }
    }

    private static func classify(type: Substring, subtype: Substring) -> ContentClass {
        switch subtype {
        case "html", "xhtml+xml": return .html
        case "css", "javascript", "x-javascript", "ecmascript", "x-ecmascript": return .cssJS
        case "vnd.apple.mpegurl", "x-mpegurl", "dash+xml": return .audioVideo
        case "font-woff", "font-woff2", "vnd.ms-fontobject", "font-sfnt", "x-font-ttf", "x-font-otf", "x-font-woff":
            return .font
        case "json", "xml", "ld+json", "manifest+json": return .jsonXML
        default:
            if subtype.hasSuffix("+json") || subtype.hasSuffix("+xml") { return .jsonXML }
            return .other
        }
    }

    /// The class a path's extension suggests ("/a/b.css?v=1" → css/js). A path ending in "/"
    /// or without an extension is a page: html.
    public init(pathExtensionOf path: some StringProtocol) {
        let withoutQuery = path.prefix { $0 != "?" && $0 != "#" }
        let lastSegment = withoutQuery.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = lastSegment.lastIndex(of: "."), lastSegment.index(after: dot) < lastSegment.endIndex else {
            self = .html
            return
        }
        self = Self.byExtension[lastSegment[lastSegment.index(after: dot)...].lowercased()] ?? .other
    }

    private static let byExtension: [String: ContentClass] = {
        var table: [String: ContentClass] = [:]
        for ext in ["html", "htm", "xhtml", "shtml", "php", "asp", "aspx"] { table[ext] = .html }
        for ext in ["css", "js", "mjs", "cjs"] { table[ext] = .cssJS }
        for ext in ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff", "heic", "jxl"] {
            table[ext] = .image
        }
        for ext in ["mp4", "m4v", "webm", "mov", "mkv", "ts", "m4s", "m3u8", "mpd", "mp3", "m4a", "aac", "ogg", "oga",
                    "opus", "wav", "flac"] {
            table[ext] = .audioVideo
        }
        for ext in ["woff", "woff2", "ttf", "otf", "eot"] { table[ext] = .font }
        for ext in ["json", "xml", "rss", "atom", "jsonld", "webmanifest"] { table[ext] = .jsonXML }
        return table
    }()
}
