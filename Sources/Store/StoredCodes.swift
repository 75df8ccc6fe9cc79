import CDNTopCore
import Foundation

/// A vocabulary stored as small integers: one byte per value in a raw row instead of a name,
/// which matters over millions of rows.
///
/// `storageOrder` is append-only: a value's code is its position plus one (0 and NULL stand for
/// "none"), so reordering would silently relabel every stored row. Appending a value also needs
/// a new (even empty) migration in `Schema`, so that older binaries refuse the file with
/// `StoreError.newerSchema` instead of meeting codes they cannot read.
package protocol StoredVocabulary: Hashable {
    static var storageOrder: [Self] { get }
}

extension StoredVocabulary {
    package var storedCode: Int {
        guard let position = Self.storageOrder.firstIndex(of: self) else {
            preconditionFailure("\(self) is missing from \(Self.self).storageOrder: append it there")
        }
        return position + 1
    }

    package init(storedCode code: Int) throws(DamagedData) {
        guard Self.storageOrder.indices.contains(code - 1) else {
            throw DamagedData("unknown \(Self.self) code \(code)")
        }
        self = Self.storageOrder[code - 1]
    }

    /// Reads a nullable column: NULL is nil.
    package static func decode(storedCode code: Int?) throws(DamagedData) -> Self? {
        guard let code else { return nil }
        return try Self(storedCode: code)
    }
}

extension Provider: StoredVocabulary {
    package static let storageOrder: [Provider] = [
        .fastly, .cloudflare, .bunny, .fly, .cloudfront, .keycdn, .vercel, .netlify, .tigris,
        .akamai, .varnish, .nginx,
    ]
}

extension CacheStatus: StoredVocabulary {
    package static let storageOrder: [CacheStatus] = [
        .hit, .miss, .stale, .expired, .revalidated, .bypass, .dynamic,
    ]
}

extension ProbeErrorClass: StoredVocabulary {
    package static let storageOrder: [ProbeErrorClass] = [
        .dns, .connect, .tls, .timeout, .redirectLoop, .tooManyRedirects, .httpStatus,
        .bodyTooLarge, .protocol, .other,
    ]
}

extension Continent: StoredVocabulary {
    package static let storageOrder: [Continent] = [
        .northAmerica, .southAmerica, .europe, .africa, .middleEast, .asia, .oceania,
    ]
}

extension Continent {
    /// Key columns cannot hold NULL (SQLite treats NULLs as distinct in unique keys, so an
    /// upsert would never find the row): an unknown region is stored as 0 there.
    package static func keyCode(of region: Continent?) -> Int {
        region?.storedCode ?? 0
    }

    package static func decode(keyCode code: Int) throws(DamagedData) -> Continent? {
        code == 0 ? nil : try Continent(storedCode: code)
    }
}

/// Stored bytes or codes that cannot be read back; `ProbeStore` reports it with the path.
package struct DamagedData: Error {
    package let detail: String

    package init(_ detail: String) {
        self.detail = detail
    }
}

/// Timestamps are stored as integer microseconds since 1970 UTC: exact, compact, and ordered
/// by SQLite's integer comparison. Bucket starts are whole seconds.
package enum StoredTime {
    package static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    package static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    package static func date(seconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(seconds))
    }
}
