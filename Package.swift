// swift-tools-version:6.0
// cdntop: compare CDNs side by side from the terminal.
// Data flows one way: Config → Probe → Store → Analysis → UI / Report / Export.
import PackageDescription

let package = Package(
    name: "cdntop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cdntop", targets: ["cdntop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // TLS for the lab's POPs. Its BoringSSL adds ~7.5 CPU-minutes to a cold build (measured: 6m48s user + 46s sys).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System libraries, each behind a tiny C shim for variadic functions, macros and globals.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        // Not through pkg-config: its cflags (-D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600) are flags
        // SwiftPM refuses with a warning on every build; the shim sets what it needs itself.
        .systemLibrary(name: "CNCursesW", providers: [.apt(["libncurses-dev"])]),
        // libpq for the PostgreSQL probe database: builds in seconds (postgres-nio would add
        // minutes to every cold build) and speaks COPY for bulk writes.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Pure model and logic, no I/O: most unit tests live here.
        .target(name: "CDNTopCore"),
        // Reading cdntop's TOML files (config, themes, scenarios): one parser, errors located as
        // file:line: key, unknown keys rejected.
        .target(name: "TOMLFile", dependencies: [
            "CDNTopCore",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // TOML config file → validated endpoints.
        .target(name: "Config", dependencies: [
            "CDNTopCore", "TOMLFile",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The libcurl multi engine: one round of endpoints → probe results.
        .target(name: "Probe", dependencies: ["CDNTopCore", "CCurl"]),
        // The SQLite probe database: schema, writes, rollups, window queries.
        .target(name: "Store", dependencies: [
            "CDNTopCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The PostgreSQL probe database: the same store behind `ProbeStore`, for many agents
        // writing into one server.
        .target(name: "PostgresStore", dependencies: ["CDNTopCore", "Store", "CLibPQ"]),
        // The local outbox: a small SQLite file where every measured probe waits, durable,
        // until a probe store holds it.
        .target(name: "Outbox", dependencies: [
            "CDNTopCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The collector: schedules probe rounds at each endpoint's interval and delivers them
        // through the outbox to the store.
        .target(name: "Agent", dependencies: ["CDNTopCore", "Probe", "Store", "Outbox"]),
        // The agent's Prometheus endpoint: metrics from each stored round, served over SwiftNIO.
        .target(name: "Metrics", dependencies: [
            "CDNTopCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // CDN access logs (nginx, varnishncsa, Cloudflare, Bunny, Fastly) → per-minute traffic
        // aggregates: byte-level parsers, the chunked line reader, the aggregator, the ingest loop.
        .target(name: "Logs", dependencies: ["CDNTopCore"]),
        // Snapshot reports (markdown, JSON) from the store's windows, through the core's Analysis.
        .target(name: "Report", dependencies: ["CDNTopCore", "Store"]),
        // `cdntop compare`: URLs from the command line probed in interleaved rounds, analysed by
        // the report's code, checked against thresholds and rendered as a table, markdown or JSON.
        .target(name: "Compare", dependencies: ["CDNTopCore", "Probe", "Report"]),
        // Probe results → JSON lines and CSV.
        .target(name: "Export", dependencies: ["CDNTopCore"]),
        // What the terminal UI shows: the screen model, themes, key registry, state and panels.
        // Pure: panels are functions from state to cells, snapshot-tested as text.
        .target(name: "UI", dependencies: [
            "CDNTopCore", "TOMLFile",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The running UI: the curses backend (one file), the data feed and live prober threads,
        // and the loop that ties keys, state and frames together.
        .target(name: "TerminalApp", dependencies: [
            "CDNTopCore", "UI", "Store", "Agent", "Probe", "Report", "CNCursesW",
        ]),
        // The offline lab: simulated CDN edges on loopback (SwiftNIO) from scenario files, and
        // the demo's regional agents.
        .target(name: "Lab", dependencies: [
            "CDNTopCore", "Agent", "Store", "TOMLFile",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The executable: argument parsing and wiring only.
        .executableTarget(name: "cdntop", dependencies: [
            "CDNTopCore", "Config", "Probe", "Store", "PostgresStore", "Outbox", "Agent", "Report", "Export", "TerminalApp", "UI", "Lab", "TOMLFile",
            "Metrics", "Compare", "Logs", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Measurements for BENCHMARKS.md: `swift run -c release cdntop-bench`.
        .executableTarget(name: "cdntop-bench", dependencies: [
            "CDNTopCore", "Store", "PostgresStore", "Report", "UI", "TerminalApp",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Benchmarks/cdntop-bench"),

        // What the tests share: loopback servers (SwiftNIO, nginx), process fixtures, seeded randomness.
        .target(name: "TestSupport", dependencies: [
            "CDNTopCore", "Store",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "CDNTopCoreTests", dependencies: ["CDNTopCore", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "TOMLFile"]),
        .testTarget(name: "ProbeTests", dependencies: ["Probe", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "PostgresStoreTests", dependencies: [
            "PostgresStore", "Store", "Report", "CDNTopCore", "TestSupport",
        ]),
        .testTarget(name: "ExportTests", dependencies: ["Export"]),
        .testTarget(name: "LogsTests", dependencies: ["Logs", "CDNTopCore", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "CDNTopCore", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Store", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "Outbox", "TestSupport"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Probe", "CDNTopCore", "TOMLFile"]),
        .testTarget(name: "UITests", dependencies: ["UI", "TerminalApp", "Store", "CDNTopCore", "TestSupport", "TOMLFile"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "CLITests", dependencies: ["cdntop", "TestSupport", "Store", "Lab"]),
    ],
    swiftLanguageModes: [.v6]
)
