import CDNTopCore
import Foundation
import Store

/// The traffic the store holds for `site` over the last and next hour.
func storedTraffic(_ database: String, site: String) throws -> [TrafficMinute] {
    let store = try SQLiteProbeStore.openReadOnly(path: database)
    let now = Date()
    return try store.trafficWindow(since: now.addingTimeInterval(-7200), until: now.addingTimeInterval(3600), site: site)

}
