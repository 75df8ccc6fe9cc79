import CDNTopCore
import Foundation
import Store

/// A traffic store held in memory, for the analysis and view tests while no engine in this
/// branch stores traffic: minutes merged per (site, provider, minute) as `recordTraffic`
/// promises, windows and series merged from them as the protocol describes.
public final class MemoryTrafficStore: TrafficStore, @unchecked Sendable {
    // @unchecked: every access to `minutes` and `positions` holds `lock`.
    private let lock = NSLock()
    private var minutes: [String: TrafficMinute] = [:]
    private var positions: [String: LogPosition] = [:]

    public init(_ minutes: [TrafficMinute] = []) {
        try? recordTraffic(minutes, position: nil)
    }

    public func recordTraffic(_ new: [TrafficMinute], position: LogPosition?) throws {
        lock.withLock {
            for minute in new {
                let key = "\(minute.site)\u{0}\(minute.provider?.rawValue ?? "")\u{0}\(minute.minute)"
                if minutes[key] == nil { minutes[key] = minute } else { minutes[key]?.merge(minute) }
            }
            if let position { positions[position.source] = position }
        }
    }

    public func logPosition(source: String) throws -> LogPosition? {
        lock.withLock { positions[source] }
    }

    public func trafficWindow(since: Date, until: Date, site: String?) throws -> [TrafficMinute] {
        merged(since: since, until: until, site: site, bucket: { _ in Int64(since.timeIntervalSince1970) })
    }

    public func trafficSeries(since: Date, until: Date, span: RollupSpan, site: String?) throws -> [TrafficMinute] {
        merged(since: since, until: until, site: site) { $0 - (($0 % span.seconds) + span.seconds) % span.seconds }
    }

    /// Minutes of `[since, until)` (widened to whole minutes) merged per site, provider and bucket.
    private func merged(since: Date, until: Date, site: String?, bucket: (Int64) -> Int64) -> [TrafficMinute] {
        let from = Int64(since.timeIntervalSince1970.rounded(.down)) / 60 * 60
        let to = Int64(until.timeIntervalSince1970.rounded(.up))
        var groups: [String: TrafficMinute] = [:]
        let chosen = lock.withLock { minutes.values.filter { $0.minute >= from && $0.minute < to && (site == nil || $0.site == site) } }
        for minute in chosen {
            let start = bucket(minute.minute)
            let key = "\(minute.site)\u{0}\(minute.provider?.rawValue ?? "")\u{0}\(start)"
            var group = groups[key] ?? TrafficMinute(site: minute.site, provider: minute.provider, minute: start)
            group.merge(minute)
            groups[key] = group
        }
        return groups.values.sorted { ($0.minute, $0.provider?.rawValue ?? "") < ($1.minute, $1.provider?.rawValue ?? "") }
    }
}

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

    public static func store(site: String = "shop.example") -> MemoryTrafficStore {
        MemoryTrafficStore(minutes(site: site))
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
