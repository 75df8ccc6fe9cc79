#!/usr/bin/env python3
"""Measures the PostgreSQL engine beside SQLite in one run, on the same generated month.

Starts a throwaway PostgreSQL 15 cluster (Debian's binaries, `initdb` as the `postgres` user in
a scratch folder, a free loopback port, its unix socket in that folder) with the server's
default durability: fsync, synchronous_commit and full_page_writes on, as a production server
runs. Then, with the same --days and --interval for both engines:

  cdntop-bench          the release `cdntop-bench` once on a fresh SQLite file and once on an
                        empty PostgreSQL database (`--db postgres://…`): batched insert, an
                        agent's round, the 1h/24h/30d windows with rollups on and off, the
                        24h and 30-day reports, export, the UI's loads and frames, and (Postgres
                        only) 20 agents writing at once on their own connections.
  bytes per probe       PostgreSQL: pg_total_relation_size (table + indexes + TOAST) of every
                        partition of `probe` and of `delivery_key`, and of `rollup`, over the
                        probes stored. SQLite's figure comes from the bench (dbstat).
  outage drain          the outbox of a one-hour outage of an agent probing --outage-endpoints
                        loopback endpoints every --outage-interval seconds (default 500 every
                        10 s: 180,000 probes). One real round is probed by `cdntop probe --once`
                        against a loopback nginx while its store is unreachable (a closed port),
                        so the outbox holds real probe records; that round is copied to fill
                        the hour, 10 s apart, each copy with a fresh delivery key. Then the
                        release `cdntop probe --once` (one loopback endpoint of its own) runs
                        until the outbox is empty, into a fresh store of each engine; the rate
                        is probes delivered over the summed wall time of those runs, process
                        start included. The store's probe count is checked afterwards: every
                        queued probe stored exactly once.
  UI first frame        `cdntop --no-probe --db …` on a 120x40 pseudo-terminal until the first
                        frame that shows data (scripts/measure-first-frame.py's clock), on the
                        month each bench just wrote, engines alternating.

    python3 scripts/measure-postgres.py --days 30 --interval 60 --runs 5

Needs: root (for runuser), postgresql-15 and nginx (scripts/install-system-packages), a release
build (swift build -c release --product cdntop-bench --product cdntop).
"""
import argparse, importlib.util, os, shutil, sqlite3, subprocess, sys, tempfile, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
# What the output states about the server, so a reader knows what the figures were taken with.
SETTINGS = ["server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_level",
            "shared_buffers", "work_mem", "max_wal_size", "checkpoint_timeout", "max_connections"]


def first_frame_clock():
    """measure-first-frame.py's `first_frame_seconds` (its file name is not importable as is)."""
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("measure_first_frame", os.path.join(here, "measure-first-frame.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.first_frame_seconds


class Postgres:
    """A throwaway cluster in `scratch`: started by `pg_ctl start -w`, stopped by PID."""

    def __init__(self, scratch):
        self.dir = scratch.path("postgres")
        os.mkdir(self.dir, 0o700)
        shutil.chown(self.dir, "postgres", "postgres")
        self.data, self.log = os.path.join(self.dir, "data"), os.path.join(self.dir, "server.log")
        self.port = benchlib.free_port()
        self.as_postgres(f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "-E", "UTF8", "--locale=C",
                         "--auth-local=trust", "--auth-host=trust")
        self.options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"

    def as_postgres(self, *argv):
        """Runs argv as the postgres user; its output goes to a file, not a pipe: `pg_ctl start`
        leaves a server behind, and a pipe it inherited would never reach end of file."""
        with tempfile.TemporaryFile(mode="w+") as output:
            done = subprocess.run(["runuser", "-u", "postgres", "--", *argv], stdin=subprocess.DEVNULL,
                                  stdout=output, stderr=subprocess.STDOUT)
            if done.returncode != 0:
                output.seek(0)
                sys.exit(f"{argv[0]} failed:\n{output.read()}")

    def start(self):
        # -l: the server's output goes to its log, not to a pipe this script would wait on.
        self.as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                         "-o", self.options, "start")

    def pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def stop(self):
        """Fast shutdown, by the postmaster's PID; waits until it is gone."""
        pid = self.pid()
        if pid is None:
            return
        try:
            os.kill(pid, 2)  # SIGINT: fast shutdown
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 60
        while benchlib.alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if benchlib.alive(pid):
            os.kill(pid, 9)

    def uri(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, database, statement):
        """Runs statement through psql over the unix socket; returns its unaligned output."""
        return subprocess.run(["psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", database,
                               "-v", "ON_ERROR_STOP=1", "-At", "-c", statement],
                              check=True, capture_output=True, text=True).stdout.strip()

    def settings(self):
        return ", ".join(f"{name}={self.sql('postgres', f'SHOW {name}')}" for name in SETTINGS)


# ---------------------------------------------------------------------------- cdntop-bench

def run_bench(bench, args, env, extra):
    """Runs cdntop-bench; returns (its heading line, [(figure, value)] in order)."""
    argv = [bench, "--days", str(args.days), "--interval", str(args.interval), "--runs", str(args.runs),
            "--raw-runs", str(args.raw_runs), *extra]
    print(f"$ {' '.join(argv)}", file=sys.stderr, flush=True)
    started = time.monotonic()
    lines = []
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as proc:
        for line in proc.stdout:  # echoed, so a later failure does not lose these figures
            print(f"  {line}", end="", file=sys.stderr, flush=True)
            lines.append(line)
    if proc.returncode != 0:
        sys.exit(f"{bench} exited with status {proc.returncode}")
    print(f"  done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    heading, rows = "", []
    for line in lines:
        if line.startswith("cdntop-bench on"):
            heading = line
        elif line.startswith("| ") and not line.startswith("| figure |"):
            figure, value = [cell.strip() for cell in line.strip().strip("|").split("|", 1)]
            rows.append((figure, value))
    return heading, rows


def side_by_side(sqlite_rows, postgres_rows):
    """One table over both runs' figures, in SQLite's order, Postgres-only figures last."""
    postgres = dict(postgres_rows)
    lines = ["| figure | SQLite | PostgreSQL |", "|---|---|---|"]
    seen = set()
    for figure, value in sqlite_rows:
        lines.append(f"| {figure} | {value} | {postgres.get(figure, '–')} |")
        seen.add(figure)
    for figure, value in postgres_rows:
        if figure not in seen:
            lines.append(f"| {figure} | – | {value} |")
    return "\n".join(lines)


def postgres_bytes(pg, database):
    """(probes, bytes of probe + delivery_key partitions, bytes of rollup), table + indexes + TOAST."""
    def partitions(table):
        return int(pg.sql(database, f"SELECT coalesce(sum(pg_total_relation_size(relid)), 0) "
                                    f"FROM pg_partition_tree('{table}')"))
    probes = int(pg.sql(database, "SELECT count(*) FROM probe"))
    return probes, partitions("probe") + partitions("delivery_key"), int(pg.sql(database, "SELECT pg_total_relation_size('rollup')"))


# ---------------------------------------------------------------------------- outage drain

def fill_outbox(path, rounds, interval):
    """Copies the one real round queued in `path` to `rounds` rounds `interval` seconds apart,
    ending now, each copy with a fresh delivery key, waiting for the same store."""
    db = sqlite3.connect(path)
    with db:
        round_rows = db.execute("SELECT destination, probe FROM queued ORDER BY seq").fetchall()
        db.execute("DELETE FROM queued")
        now_us = int(time.time() * 1e6)
        for r in range(rounds):
            back = (rounds - 1 - r) * interval
            db.executemany(
                "INSERT INTO queued (key, destination, queued_at, probe) "
                "VALUES (?, ?, ?, json_set(?, '$.timestamp', json_extract(?, '$.timestamp') - ?))",
                [(str(uuid.uuid4()).upper(), destination, now_us - int(back * 1e6), probe, probe, back)
                 for destination, probe in round_rows])
    count = db.execute("SELECT count(*) FROM queued").fetchone()[0]
    db.close()
    return count


def waiting(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM queued").fetchone()[0]
    finally:
        db.close()


def probe_once(cdntop, config, outbox, store, env):
    """One `cdntop probe --once`; its exit status is not checked: it is non-zero whenever
    probes are left waiting (an unreachable store, a drain longer than its final delivery)."""
    subprocess.run([cdntop, "probe", "--once", "--config", config, "--outbox", outbox, "--db", store],
                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def drain(cdntop, config, outbox, store, env, max_runs=200):
    """Runs `cdntop probe --once` until the outbox is empty; returns (probes drained, wall s, runs)."""
    before, wall, runs = waiting(outbox), 0.0, 0
    while (left := waiting(outbox)) > 0:
        if runs == max_runs:
            sys.exit(f"the outbox {outbox} still holds {left} probes after {runs} runs of cdntop probe --once")
        start = time.perf_counter()
        probe_once(cdntop, config, outbox, store, env)
        wall += time.perf_counter() - start
        runs += 1
        if waiting(outbox) == left:
            sys.exit(f"`cdntop probe --once --db {store}` delivered nothing from {outbox}")
    return before, wall, runs


class LockedSQLite:
    """Holds an SQLite file's write lock (an open BEGIN EXCLUSIVE) so cdntop cannot store into it."""

    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)

    def __enter__(self):
        self.db.execute("BEGIN EXCLUSIVE")
        return self

    def __exit__(self, *exc):
        self.db.execute("ROLLBACK")
        self.db.close()


def measure_drain(scratch, pg, cdntop, args, env):
    """Drain rate into each engine: {engine: (probes drained, wall seconds, runs)}."""
    _, nginx_port = benchlib.start_nginx(scratch)
    base = f"http://127.0.0.1:{nginx_port}"
    fleet = benchlib.write_cdntop_config(
        scratch, "outage.toml", [(f"endpoint-{i}", f"{base}/e{i}", {}) for i in range(args.outage_endpoints)],
        region="outage")
    single = benchlib.write_cdntop_config(scratch, "drain.toml", [("drain-probe", f"{base}/drain", {})], region="outage")
    rounds = args.outage_minutes * 60 // args.outage_interval
    pg.sql("postgres", "CREATE DATABASE drain")
    sqlite_store = scratch.path("drain.sqlite")
    # One probe into each store first, so both exist with their schema before the outage.
    for store in (sqlite_store, pg.uri("drain")):
        probe_once(cdntop, single, scratch.path("outbox-warmup.sqlite"), store, env)

    def stored(engine):
        if engine == "PostgreSQL":
            return int(pg.sql("drain", "SELECT count(*) FROM probe"))
        db = sqlite3.connect(sqlite_store)
        try:
            return db.execute("SELECT count(*) FROM probe").fetchone()[0]
        finally:
            db.close()

    results = {}
    for engine, store in (("SQLite", sqlite_store), ("PostgreSQL", pg.uri("drain"))):
        outbox = scratch.path(f"outbox-{engine}.sqlite")
        # The outage: one real round of the fleet queued while the store is unreachable.
        if engine == "PostgreSQL":
            pg.stop()
            probe_once(cdntop, fleet, outbox, store, env)
            pg.start()
        else:
            with LockedSQLite(store):
                probe_once(cdntop, fleet, outbox, store, env)
        if waiting(outbox) != args.outage_endpoints:
            sys.exit(f"{engine}: expected the {args.outage_endpoints} probes of one round to wait in the outbox "
                     f"while the store was unreachable, found {waiting(outbox)}")
        queued = fill_outbox(outbox, rounds, args.outage_interval)
        print(f"outbox for {engine}: {queued} probes", file=sys.stderr, flush=True)
        before = stored(engine)
        probes, wall, runs = drain(cdntop, single, outbox, store, env)
        # Each run also stored its own round of one probe.
        if stored(engine) - before != probes + runs:
            sys.exit(f"{engine}: {stored(engine) - before} probes stored, expected {probes} from the outbox + {runs} of the runs")
        results[engine] = (probes, wall, runs)
    return results


# ---------------------------------------------------------------------------- first frame

def measure_first_frames(cdntop, stores, runs, env):
    """{engine: [seconds]} to the first frame with data, engines alternating run by run."""
    clock = first_frame_clock()
    env = dict(env, TERM="xterm-256color", LANG="C.UTF-8")
    times = {engine: [] for engine in stores}
    for _ in range(runs):
        for engine, store in stores.items():
            seconds = clock([cdntop, "--no-probe", "--db", store], b"endpoint-", env)
            if seconds is None:
                sys.exit(f"cdntop --no-probe --db {store} showed no data within 10 s")
            times[engine].append(seconds * 1000)
    return times


# ---------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--interval", type=int, default=60, help="seconds between probes (18: 10M probes a month)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--raw-runs", type=int, default=3, help="runs of the rollups-off figures")
    parser.add_argument("--frame-runs", type=int, default=10)
    parser.add_argument("--outage-endpoints", type=int, default=500)
    parser.add_argument("--outage-interval", type=int, default=10)
    parser.add_argument("--outage-minutes", type=int, default=60)
    parser.add_argument("--bench", default=".build/release/cdntop-bench")
    parser.add_argument("--binary", default=".build/release/cdntop")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (databases, logs)")
    args = parser.parse_args()
    benchlib.check_runs(parser, args)
    if os.geteuid() != 0:
        sys.exit("run as root: the PostgreSQL cluster is made and started as the postgres user (runuser)")
    bench = benchlib.find_binary(args.bench, "swift build -c release --product cdntop-bench")
    benchlib.find_binary(f"{PG_BIN}/initdb", "scripts/install-system-packages")
    quiet = benchlib.check_quiet()

    with benchlib.Scratch("cdntop-postgres-bench-", keep=args.keep) as scratch:
        pg = Postgres(scratch)
        try:
            pg.start()
            pg.sql("postgres", "CREATE DATABASE bench")
            settings = pg.settings()
            env = scratch.tool_env()
            sqlite_path = scratch.path("month.sqlite")
            sqlite_heading, sqlite_rows = run_bench(bench, args, env, ["--keep-db", sqlite_path])
            postgres_heading, postgres_rows = run_bench(bench, args, env, ["--db", pg.uri("bench")])
            probes, raw_bytes, rollup_bytes = postgres_bytes(pg, "bench")
            print(f"PostgreSQL on disk: {raw_bytes} bytes raw with keys, {rollup_bytes} bytes rollup, {probes} probes",
                  file=sys.stderr, flush=True)
            # Looked up here, not up front, so the store figures of a long month are not lost
            # to a missing binary (they are echoed above).
            cdntop = benchlib.find_binary(args.binary, "swift build -c release --product cdntop")
            frames = measure_first_frames(cdntop, {"SQLite": sqlite_path, "PostgreSQL": pg.uri("bench")},
                                          args.frame_runs, env)
            drains = measure_drain(scratch, pg, cdntop, args, env)
            # The bench writes without delivery keys; what the outbox delivered carries them.
            keyed_probes, keyed_bytes, _ = postgres_bytes(pg, "drain")
        finally:
            pg.stop()

    probes_label = sqlite_heading.split(" = ", 1)[1].split(";")[0] if " = " in sqlite_heading else ""
    print(f"SQLite and PostgreSQL on the same generated month: {args.days} days, one probe every "
          f"{args.interval} s per endpoint and vantage ({probes_label}); median of {args.runs} runs "
          f"(rollups off: {args.raw_runs}) with min–max. Release build.\n")
    print(f"- SQLite: {sqlite_heading.split(':', 1)[0].removeprefix('cdntop-bench on ')}")
    print(f"- PostgreSQL 15 on loopback TCP, default durability: {settings}")
    print(f"- machine: {quiet}\n")
    print(side_by_side(sqlite_rows, postgres_rows))
    print(f"| PostgreSQL bytes on disk: probe + delivery_key partitions of the month (tables, indexes, TOAST; the bench writes no keys) | – | "
          f"{raw_bytes / probes:.1f} bytes/probe ({raw_bytes / 1e6:.0f} MB, {probes} probes) |")
    print(f"| PostgreSQL bytes on disk: probe + delivery_key partitions of the drained outbox (every probe keyed) | – | "
          f"{keyed_bytes / keyed_probes:.1f} bytes/probe ({keyed_bytes / 1e6:.0f} MB, {keyed_probes} probes) |")
    print(f"| PostgreSQL bytes on disk: rollup (after the first prune) | – | "
          f"{rollup_bytes / probes:.1f} bytes/probe ({rollup_bytes / 1e6:.0f} MB) |")
    print(f"| UI first frame with data, `cdntop --no-probe` on a 120x40 pty ({args.frame_runs} runs) | "
          f"{benchlib.spread(frames['SQLite'], '{:.0f}')} ms | {benchlib.spread(frames['PostgreSQL'], '{:.0f}')} ms |")
    drain_cells = []
    for engine in ("SQLite", "PostgreSQL"):
        probes_drained, wall, runs = drains[engine]
        drain_cells.append(f"{probes_drained / wall:.0f} probes/s ({probes_drained} in {wall:.1f} s, {runs} runs)")
    print(f"| drain of a {args.outage_minutes}-minute outage's outbox ({args.outage_endpoints} endpoints every {args.outage_interval} s), "
          f"`cdntop probe --once` until empty | {drain_cells[0]} | {drain_cells[1]} |")


if __name__ == "__main__":
    main()
