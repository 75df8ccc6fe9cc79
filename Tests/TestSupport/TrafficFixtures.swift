import CDNTopCore
import Foundation
import Store

/// Two days of one site's access logs, every count known: Fastly serving html, css/js and
/// images, whose html misses rise sevenfold at 04:00 on the last day with nothing else
/// changing; Bunny serving images whose hit ratio falls from 96.7% to 70% 40 minutes before
/// "now"; HTTP/1.1 for most requests, as in the story the issue tells.
public enum TrafficFixtures {
    /// 2026-11-22T12:00:00Z, the probe fixtures' "now".
    public static let now = Date(timeIntervalSince1970: 1_795_348_800)
    /// The html step: 2026-11-22T04:00:00Z.
    public static let htmlStep = now.addingTimeInterval(-8 * 3600)
    /// The images' drop at Bunny: 2026-11-22T11:20:00Z.
    public static let imageDrop = now.addingTimeInterval(-40 * 60)

    public static func minutes(site: String = "shop.example") -> [TrafficMinute] {
        let end = Int64(now.timeIntervalSince1970)
        var all: [TrafficMinute] = []
        for minutesAgo in stride(from: 48 * 60, to: 0, by: -1) {
            let start = end - Int64(minutesAgo) * 60
            let afterStep = start >= Int64(htmlStep.timeIntervalSince1970)
            var fastly = TrafficMinute(site: site, provider: .fastly, minute: start)
            add(&fastly, .html, hits: afterStep ? 5 : 35, misses: afterStep ? 35 : 5)
            add(&fastly, .cssJS, hits: 29, misses: 1)
            add(&fastly, .image, hits: 47, misses: 2, expired: 1)
            fastly.byHTTPVersion = ["1.1": 96, "2": 23, "3": 1]
            fastly.topMisses.add("/", count: afterStep ? 20 : 3)
            fastly.topMisses.add("/products/lamp", count: afterStep ? 15 : 2)
            fastly.topMisses.add("/static/app.js", count: 1)
            fastly.topMisses.add("/img/hero.jpg", count: 3)
            if minutesAgo == 90 { fastly.malformedLines = 3 }
            all.append(fastly)

            let dropped = start >= Int64(imageDrop.timeIntervalSince1970)
            var bunny = TrafficMinute(site: site, provider: .bunny, minute: start)
            add(&bunny, .image, hits: dropped ? 42 : 58, misses: dropped ? 18 : 2)
            add(&bunny, .font, hits: 10, misses: 0)
            bunny.byHTTPVersion = ["1.1": 20, "2": 49, "3": 1]
            bunny.topMisses.add("/img/hero.jpg", count: dropped ? 18 : 2)
            all.append(bunny)
        }
        return all
    }

    /// The two days in one real store, shared by the tests that only read it. A temp file
    /// that cannot be written is a broken test machine: failing loudly there is right.
    public static let twoDays: any TrafficStore = try! store()

    /// A real probe database (SQLite, in a temp file) holding `minutes` (the two days by default).
    public static func store(site: String = "shop.example", minutes given: [TrafficMinute]? = nil) throws -> any TrafficStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("traffic-\(UUID()).sqlite").path
        let store = try SQLiteProbeStore(path: path)
        try store.recordTraffic(given ?? minutes(site: site), position: nil)
        return store
    }

    private static func add(_ minute: inout TrafficMinute, _ content: ContentClass, hits: Int64, misses: Int64, expired: Int64 = 0) {
        var tally = CacheTally()
        tally.add(.hit, count: hits)
        tally.add(.miss, count: misses)
        if expired > 0 { tally.add(.expired, count: expired) }
        minute.cache.merge(tally)
        minute.byContent[content, default: CacheTally()].merge(tally)
        minute.bytes += (hits + misses + expired) * 10_000
    }
}
