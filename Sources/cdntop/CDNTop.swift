import ArgumentParser

/// `cdntop`: compare CDNs side by side. Each subcommand only parses its arguments and wires
/// the library targets together; the work happens in Config, Probe, Store, Agent and Export.
@main
struct CDNTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdntop",
        abstract: "Compare CDNs side by side: probe one site through several providers and keep every probe.",
        discussion: """
            Exit status: 0 on success (failed probes are data, not errors), 1 when there is \
            nothing to report (or the lab cannot start, or a `compare` threshold is breached), 2 when the config or scenario file is \
            unusable, 3 when the probe database is unusable, 64 for bad arguments.
            """,
        version: "0.1.0",
        subcommands: [DashboardCommand.self, ProbeCommand.self, ReportCommand.self, ExportCommand.self,
                      DemoCommand.self, LabCommand.self, CompareCommand.self, LogsCommand.self],
        defaultSubcommand: DashboardCommand.self
    )
}
