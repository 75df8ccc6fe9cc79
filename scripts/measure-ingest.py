#!/usr/bin/env python3
"""Measures `cdntop logs ingest` on a generated nginx access log, beside GoAccess on the same file.

The work: one nginx access log of --lines lines (default 1,000,000) in nginx's `combined`
format plus `$upstream_cache_status` (cdntop's default nginx format), generated once per
invocation from a fixed seed: 2,000 paths of every content class, a mix of statuses and
cache verdicts, one day of timestamps. Two ways, in the same run, in an order rotated from
run to run:

  cdntop logs ingest  `cdntop logs ingest --format nginx --site bench --db FRESH FILE`: parse,
                      count per minute and store the minutes in a new SQLite file.
  goaccess            Debian's GoAccess parsing the same file in the same layout
                      (`--log-format='%h %^ %^ [%d:%t %^] "%r" %s %b "%R" "%u" %C'`) into its
                      JSON report.

Wall time and CPU (user+sys) are the median of --runs runs with min–max; lines/s is --lines
over the median wall time. Then memory while following: `cdntop logs ingest --follow` on a
file that grows by --follow-rate lines a second for --follow-seconds, with its RSS and
private dirty memory sampled twice a second.

    python3 scripts/measure-ingest.py --runs 5

Needs: goaccess (scripts/install-system-packages), a release build
(swift build -c release --product cdntop).
"""
import argparse, json, os, random, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

WAYS = ["cdntop logs ingest", "goaccess"]
GOACCESS_FORMAT = '%h %^ %^ [%d:%t %^] "%r" %s %b "%R" "%u" %C'
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EXTENSIONS = ["html", "css", "js", "png", "jpg", "webp", "woff2", "json", "mp4", ""]
CACHE = ["HIT"] * 70 + ["MISS"] * 18 + ["EXPIRED"] * 3 + ["STALE"] * 2 + ["BYPASS"] * 3 + ["-"] * 4
STATUS = [200] * 90 + [304] * 4 + [404] * 4 + [500] * 1 + [301] * 1
AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
          'curl/8.5.0', 'Googlebot/2.1 (+http://www.google.com/bot.html)']


def generate(path, lines):
    """Writes `lines` nginx lines, one day from 2026-10-08 00:00 UTC, in about a second per
    200,000 lines."""
    rng = random.Random(15)
    paths = [f"/section{i % 40}/page{i}" + (f".{ext}" if ext else "/")
             for i in range(2000) for ext in [EXTENSIONS[i % len(EXTENSIONS)]]]
    start = 1_791_417_600
    with open(path, "w") as out:
        chunk = []
        for n in range(lines):
            t = time.gmtime(start + n * 86_400 // lines)
            stamp = f"{t.tm_mday:02d}/{MONTHS[t.tm_mon - 1]}/{t.tm_year}:{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
            query = f"?v={rng.randrange(100)}" if rng.random() < 0.2 else ""
            version = "HTTP/2.0" if rng.random() < 0.3 else "HTTP/1.1"
            chunk.append(f'198.51.{rng.randrange(256)}.{rng.randrange(256)} - - [{stamp}] '
                         f'"GET {rng.choice(paths)}{query} {version}" {rng.choice(STATUS)} {rng.randrange(100, 90_000)} '
                         f'"https://www.example.com/" "{rng.choice(AGENTS)}" {rng.choice(CACHE)}\n')
            if len(chunk) == 10_000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))


def run_cdntop(ctx, run):
    db = ctx["scratch"].path(f"ingest-{run}.sqlite")
    argv = [ctx["binary"], "logs", "ingest", "--format", "nginx", "--site", "bench", "--db", db, ctx["log"]]
    before = benchlib.children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=ctx["env"], capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu = benchlib.children_cpu() - before
    if done.returncode != 0 or f"read {ctx['lines']} lines" not in done.stderr:
        raise RuntimeError(f"cdntop logs ingest failed: {done.stderr}")
    os.remove(db)
    return wall, cpu


def run_goaccess(ctx, run):
    report = ctx["scratch"].path(f"goaccess-{run}.json")
    wall, cpu = benchlib.measured(["goaccess", ctx["log"], f"--log-format={GOACCESS_FORMAT}", "--date-format=%d/%b/%Y",
                                   "--time-format=%T", "--no-global-config", "-o", report], ctx["env"])
    with open(report) as f:
        total = json.load(f)["general"]["total_requests"]
    if total != ctx["lines"]:
        raise RuntimeError(f"goaccess counted {total} requests of {ctx['lines']}")
    os.remove(report)
    return wall, cpu


RUNNERS = dict(zip(WAYS, [run_cdntop, run_goaccess]))


def follow_memory(ctx, seconds, rate):
    """RSS and private dirty KiB of a following ingest while its file grows; returns samples."""
    log = ctx["scratch"].path("growing.log")
    open(log, "w").close()
    db = ctx["scratch"].path("follow.sqlite")
    proc = ctx["scratch"].spawn([ctx["binary"], "logs", "ingest", "--follow", "--format", "nginx", "--site", "bench",
                                 "--db", db, log], log="follow.out", env=ctx["env"])
    with open(ctx["log"]) as source:
        sample_lines = [next(source) for _ in range(10_000)]
    samples = []
    written = 0
    start = time.monotonic()
    next_sample = start
    with open(log, "a") as out:
        while time.monotonic() - start < seconds:
            due = int((time.monotonic() - start) * rate)
            while written < due:
                out.write(sample_lines[written % len(sample_lines)])
                written += 1
            out.flush()
            if time.monotonic() >= next_sample:
                samples.append((time.monotonic() - start, benchlib.rss_kib(proc.pid), benchlib.dirty_kib(proc.pid)))
                next_sample += 0.5
            time.sleep(0.01)
    status = ctx["scratch"].stop(proc)
    with open(ctx["scratch"].path("follow.out")) as f:
        summary = f.read().strip().splitlines()[-1]
    return samples, written, status, summary


def print_table(ctx, results):
    runs = len(results[WAYS[0]])
    size = os.path.getsize(ctx["log"]) / 1e6
    print(f"\ningest: one nginx access log of {ctx['lines']:,} lines ({size:,.0f} MB, combined + "
          f"$upstream_cache_status), {runs} runs; median (min–max)\n")
    print("| way | wall | CPU (user+sys) | lines/s (median wall) |")
    print("|---|---|---|---|")
    for way in WAYS:
        walls = [w for w, _ in results[way]]
        cpus = [c for _, c in results[way]]
        rate = ctx["lines"] / statistics.median(walls)
        print(f"| {way} | {benchlib.spread(walls, '{:.2f}')} s | {benchlib.spread(cpus, '{:.2f}')} s | {rate:,.0f} |")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/cdntop", help="cdntop binary (%(default)s)")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--follow-seconds", type=int, default=30)
    parser.add_argument("--follow-rate", type=int, default=20_000, help="lines per second while following")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    benchlib.check_runs(parser, args)
    if args.lines < 1:
        parser.error("--lines must be at least 1")
    return args


def main():
    args = parse_args()
    binary = benchlib.find_binary(args.binary, "swift build -c release --product cdntop")
    benchlib.find_binary("goaccess", "scripts/install-system-packages")
    with benchlib.Scratch("cdntop-ingest-", keep=args.keep) as scratch:
        log = scratch.path("access.log")
        generate(log, args.lines)
        ctx = {"scratch": scratch, "binary": binary, "env": scratch.tool_env(), "log": log, "lines": args.lines}
        version = subprocess.run(["goaccess", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        print(f"cdntop: {binary}\ngoaccess: {version}\nscratch: {scratch.dir}", flush=True)
        notes = [f"before: {benchlib.check_quiet()}"]
        results = benchlib.alternate_runs(
            WAYS, lambda way, run: RUNNERS[way](ctx, run), args.runs,
            lambda way, wall, cpu: f"{way} {wall:.2f} s wall, {cpu:.2f} s CPU")
        notes.append(f"after: {benchlib.check_quiet()}")
        print_table(ctx, results)
        samples, written, status, summary = follow_memory(ctx, args.follow_seconds, args.follow_rate)
        # From 5 s on: the first samples catch the process before the Swift runtime is mapped.
        settled = [(t, r, d) for t, r, d in samples if t >= 5 and r and d]
        middle = settled[len(settled) // 2]
        print(f"\nfollowing a file growing by {args.follow_rate:,} lines/s for {args.follow_seconds} s "
              f"({written:,} lines), {len(samples)} samples twice a second:\n")
        print("| | at 5 s | at {:.0f} s | at {:.0f} s (last) | peak |".format(middle[0], settled[-1][0]))
        print("|---|---|---|---|---|")
        for label, index in (("RSS", 1), ("private dirty", 2)):
            values = [sample[index] for sample in settled]
            print(f"| {label} | {values[0]:,} KiB | {middle[index]:,} KiB | {values[-1]:,} KiB | {max(values):,} KiB |")
        print(f"\nstopped by SIGTERM with status {status}: {summary}")
        print(f"\nmachine: {'; '.join(notes)}")


if __name__ == "__main__":
    main()
