import Foundation

/// The per-day partitions of `probe` and `delivery_key`: `probe_d20231114` holds the probes of
/// that UTC day (µs in `[day start, next day start)`), `delivery_key_d20231114` their keys.
///
/// Created on demand before a round's transaction, never inside it: creating a partition
/// locks the parent table, and doing that while holding the round's row locks could wait in
/// a cycle with another writer. Each day is created under an advisory lock of its own, so
/// several agents reaching a new day at once take turns and the later ones find it there.
enum DayPartitions {
    static let tables = ["probe", "delivery_key"]
    private static let microsecondsPerDay: Int64 = 86_400_000_000

    /// The UTC day (days since 1970) of a time in µs.
    static func day(ofMicroseconds microseconds: Int64) -> Int64 {
        let (quotient, remainder) = microseconds.quotientAndRemainder(dividingBy: microsecondsPerDay)
        return remainder < 0 ? quotient - 1 : quotient
    }

    static func create(day: Int64, on connection: Connection) throws {
        try connection.transaction {
            try connection.query("SELECT pg_advisory_xact_lock($1)", [.int8(lockKey(day))])
            for table in tables {
                try connection.execute("""
                    CREATE TABLE IF NOT EXISTS \(name(of: table, day: day)) PARTITION OF \(table)
                    FOR VALUES FROM (\(day * microsecondsPerDay)) TO (\((day + 1) * microsecondsPerDay))
                    """)
            }
        }
    }

    /// Drops the days that end at or before `cutoff` (µs): whole days only, so a day is kept
    /// until every probe in it is older than the retention.
    static func drop(before cutoff: Int64, on connection: Connection) throws {
        for day in try existing(on: connection) where (day + 1) * microsecondsPerDay <= cutoff {
            try connection.transaction {
                try connection.query("SELECT pg_advisory_xact_lock($1)", [.int8(lockKey(day))])
                for table in tables {
                    try connection.execute("DROP TABLE IF EXISTS \(name(of: table, day: day))")
                }
            }
        }
    }

    /// The days that have a probe partition.
    static func existing(on connection: Connection) throws -> [Int64] {
        let rows = try connection.query("""
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'probe'::regclass
            """)
        return (0..<rows.count).compactMap { rows.string($0, 0).flatMap(day(ofName:)) }
    }

    static func name(of table: String, day: Int64) -> String {
        let (year, month, dayOfMonth) = civilDate(day)
        return table + "_d" + String(format: "%04d%02d%02d", Int(year), Int(month), Int(dayOfMonth))
    }

    private static func day(ofName name: String) -> Int64? {
        guard name.hasPrefix("probe_d"), name.count == 15, let digits = Int64(name.dropFirst(7)) else { return nil }
        return daysSince1970(year: digits / 10_000, month: digits / 100 % 100, day: digits % 100)
    }

    /// Distinct from the schema's lock, one per day.
    private static func lockKey(_ day: Int64) -> Int64 {
        0x7072_6F62_0000_0000 | (day & 0xFFFF_FFFF)
    }

    /// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
    /// (H. Hinnant's `civil_from_days`), without a calendar object or time zone.
    private static func civilDate(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The inverse of `civilDate` (`days_from_civil`).
    private static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
