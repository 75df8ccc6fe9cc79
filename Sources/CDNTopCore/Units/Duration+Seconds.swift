extension Duration {
    /// The duration as fractional seconds, the unit the config and the schedules use.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
