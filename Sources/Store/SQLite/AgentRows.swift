import CDNTopCore
import Foundation
import GRDB

/// The `agent` table: one row per agent id. `Dictionaries.agentIDs` moves its newest-probe time
/// as rounds are recorded; `report` keeps the status the agent last sent, as JSON (a few
/// hundred bytes, rewritten at most once per delivery).
enum AgentRows {
    static func report(_ status: AgentStatus, in db: Database) throws {
        let json = try status.storedJSON()
        try db.execute(sql: """
            INSERT INTO agent (name, region, status) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET region = excluded.region, status = excluded.status
            """, arguments: [status.agent, status.region, json])
    }

    static func all(in db: Database) throws -> [AgentActivity] {
        try Row.fetchAll(db, sql: "SELECT name, region, last_probe, status FROM agent ORDER BY region, name").map { row in
            let lastProbe: Int64? = row[2]
            let json: String? = row[3]
            let status = try json.map { json throws(DamagedData) in try AgentStatus(storedJSON: json) }
            return AgentActivity(agent: row[0], region: row[1],
                                 lastProbe: lastProbe.map(StoredTime.date(microseconds:)), status: status)
        }
    }
}
