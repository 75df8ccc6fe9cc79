/// How long the probe database keeps what, and how long a write waits for another process.
public struct StoreSettings: Sendable, Hashable {
    /// How long raw probes are kept, in seconds. They feed `cdntop export` and nothing else
    /// (windows come from rollups), so this only limits how far back an export reaches.
    public var retention: Double
    /// How long per-minute rollups are kept, in seconds. Within this age windows start and end
    /// on the minute; beyond it they widen to the hour. One row per probe at a 60 s interval,
    /// so keeping them as long as raw probes would double the file for little gain.
    public var minuteRollupRetention: Double
    /// How long hourly and daily rollups are kept, in seconds: longer than raw probes, so
    /// 30-day and longer windows keep working after the raw rows are gone.
    public var rollupRetention: Double
    /// How long a write waits while another process (the agent, the UI, an export) holds the
    /// database, in seconds, before failing with `StoreError.busy`.
    public var busyTimeout: Double

    public init(retention: Double, minuteRollupRetention: Double, rollupRetention: Double,
                busyTimeout: Double) {
        self.retention = retention
        self.minuteRollupRetention = minuteRollupRetention
        self.rollupRetention = rollupRetention
        self.busyTimeout = busyTimeout
    }

    private static let day = 86_400.0

    /// Raw probes for 35 days (a 30-day export with margin), minute rollups for 2 days (the 1 h
    /// and 24 h windows at minute precision), hour and day rollups for 400 days (a year
    /// compared with the same month of the last), writes waiting up to 5 s.
    public static let `default` = StoreSettings(retention: 35 * day, minuteRollupRetention: 2 * day,
                                                rollupRetention: 400 * day, busyTimeout: 5)
}
