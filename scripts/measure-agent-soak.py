#!/usr/bin/env python3
"""Soaks the long-running agent, `cdntop probe`, to show whether its memory stays flat.

N loopback endpoints (one private nginx on 127.0.0.1, a path per endpoint) are configured with
the same `interval`, so the agent probes all of them every interval, on fresh connections,
and stores each round in SQLite. While it runs, every --sample seconds the script reads the
agent's VmRSS, its Private_Dirty memory (smaps_rollup: heap, stacks, written data — where a
leak shows; RSS also counts shared library pages, and Private_Clean moves with whichever
library pages no other process maps at the moment) and its CPU ticks from /proc. At the end the agent gets SIGTERM (it finishes and stores the round in
flight), the stored probes are counted with `cdntop export`, and the script prints: first,
last and largest RSS and private dirty memory; the least-squares slope of each over the second half
of the soak in KiB per minute (the first half holds the warm-up: SQLite's page cache and
the allocator's arenas filling up); the probes stored; and CPU per probe (all CPU the
agent used, start-up included, divided by the probes it stored).

    python3 scripts/measure-agent-soak.py --endpoints 500 --interval 10 --minutes 10

A quick check: --endpoints 50 --interval 2 --minutes 1.

Needs: nginx (scripts/install-system-packages), a release build (swift build -c release).
"""
import argparse, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/cdntop", help="cdntop binary (%(default)s)")
    parser.add_argument("--endpoints", type=int, default=500)
    parser.add_argument("--interval", type=float, default=10, help="probe interval, seconds (%(default)s)")
    parser.add_argument("--minutes", type=float, default=10, help="soak length per run (%(default)s)")
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory samples (%(default)s)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (db, logs)")
    args = parser.parse_args()
    benchlib.check_runs(parser, args)
    if args.endpoints < 1 or args.interval < 0.1 or args.minutes <= 0 or args.sample <= 0:
        parser.error("--endpoints ≥ 1, --interval ≥ 0.1, --minutes and --sample > 0")
    return args


def soak(args, scratch, binary, config, run):
    """One soak; returns a dict of its figures. The agent is stopped in every case."""
    db = scratch.path(f"soak{run}.sqlite")
    env = scratch.tool_env()
    cpu_before = benchlib.children_cpu()
    agent = scratch.spawn([binary, "probe", "--config", config, "--db", db], log=f"agent{run}.log", env=env)
    benchlib.wait_for_exec(agent.pid, binary)
    t0 = time.monotonic()
    seconds = args.minutes * 60
    samples = []  # (minutes since start, rss KiB, private dirty KiB, cpu ticks)
    try:
        i = 0
        while True:
            # The first sample comes one --sample period in: at exec the loader has not even
            # mapped the libraries yet, and "first" should mean "running", not "starting".
            i += 1
            time.sleep(max(0.0, t0 + i * args.sample - time.monotonic()))
            if agent.poll() is not None:
                sys.exit(f"the agent exited with status {agent.returncode}; see {scratch.path(f'agent{run}.log')}")
            rss, private = benchlib.rss_kib(agent.pid), benchlib.dirty_kib(agent.pid)
            if rss is not None and private is not None:
                samples.append(((time.monotonic() - t0) / 60, rss, private, benchlib.cpu_ticks(agent.pid)))
            if (i + 1) * args.sample > seconds:
                break
    finally:
        status = scratch.stop(agent, grace=60)  # a round in flight is finished and stored first
    wall = time.monotonic() - t0
    cpu = benchlib.children_cpu() - cpu_before
    if status not in (0, -15):
        benchlib.warn(f"agent exited with status {status}")
    probes = benchlib.export_probes(binary, db, env)
    with open(scratch.path(f"agent{run}.log")) as f:
        rounds = sum(1 for line in f if line.startswith("round:"))
    second_half = [s for s in samples if s[0] >= samples[-1][0] / 2]
    (_, rss_first, private_first, _), (_, rss_last, private_last, _) = samples[0], samples[-1]
    half_cpu = (second_half[-1][3] - second_half[0][3]) / benchlib.CLK_TCK
    half_minutes = second_half[-1][0] - second_half[0][0]
    return {
        "trajectory": [(round(s[0], 1), s[1], s[2]) for s in samples],
        "samples": len(samples), "wall": wall, "rounds": rounds,
        "probes": len(probes), "ok": sum(1 for p in probes if p.get("ok")),
        "rss": (rss_first, rss_last, max(s[1] for s in samples)),
        "private": (private_first, private_last, max(s[2] for s in samples)),
        "rss_slope": benchlib.slope_per_unit([s[0] for s in second_half], [s[1] for s in second_half]),
        "private_slope": benchlib.slope_per_unit([s[0] for s in second_half], [s[2] for s in second_half]),
        "cpu": cpu, "cpu_per_probe_us": cpu / len(probes) * 1e6 if probes else float("nan"),
        "steady_cpu_percent": half_cpu / (half_minutes * 60) * 100 if half_minutes else float("nan"),
    }


def mib(kib):
    return f"{kib / 1024:.1f}"


def print_tables(args, results):
    print(f"\nagent soak: {args.endpoints} loopback endpoints (nginx, 127.0.0.1), interval "
          f"{args.interval:g} s, {args.minutes:g} min per run, memory sampled every {args.sample:g} s\n")
    print("| run | probes stored (ok) | rounds | RSS MiB first / last / max | private dirty MiB first / last / max "
          "| RSS slope, 2nd half | private dirty slope, 2nd half | CPU per probe | CPU, 2nd half |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run, r in enumerate(results, 1):
        print(f"| {run} | {r['probes']:,} ({r['ok']:,}) | {r['rounds']} "
              f"| {' / '.join(mib(x) for x in r['rss'])} | {' / '.join(mib(x) for x in r['private'])} "
              f"| {r['rss_slope']:+.1f} KiB/min | {r['private_slope']:+.1f} KiB/min "
              f"| {r['cpu_per_probe_us']:.0f} µs | {r['steady_cpu_percent']:.2f}% of one core |")
    for run, r in enumerate(results, 1):
        step = max(1, len(r["trajectory"]) // 10)
        points = r["trajectory"][::step] + ([r["trajectory"][-1]] if (len(r["trajectory"]) - 1) % step else [])
        print(f"\nrun {run}, RSS / private dirty MiB over time: "
              + ", ".join(f"{m:g} min {mib(rss)}/{mib(dirty)}" for m, rss, dirty in points))
    if len(results) > 1:
        print(f"\nmedian (min–max) over {len(results)} runs: RSS slope "
              f"{benchlib.spread([r['rss_slope'] for r in results], '{:+.1f}')} KiB/min, private dirty slope "
              f"{benchlib.spread([r['private_slope'] for r in results], '{:+.1f}')} KiB/min, CPU per probe "
              f"{benchlib.spread([r['cpu_per_probe_us'] for r in results], '{:.0f}')} µs")


def main():
    args = parse_args()
    binary = benchlib.find_binary(args.binary, "swift build -c release --product cdntop")
    interval = f"{args.interval:g}s"
    with benchlib.Scratch("cdntop-soak-", keep=args.keep) as scratch:
        _, port = benchlib.start_nginx(scratch)
        endpoints = [(f"e{i}", f"http://127.0.0.1:{port}/e{i}", {"interval": interval, "timeout": "5s"})
                     for i in range(args.endpoints)]
        config = benchlib.write_cdntop_config(scratch, "soak.toml", endpoints)
        print(f"cdntop: {binary}\nscratch: {scratch.dir}", flush=True)
        note = benchlib.check_quiet()
        results = []
        try:
            for run in range(1, args.runs + 1):
                r = soak(args, scratch, binary, config, run)
                print(f"run {run}: {r['probes']} probes in {r['wall']:.0f} s, {r['samples']} samples, "
                      f"RSS {mib(r['rss'][0])}→{mib(r['rss'][1])} MiB", flush=True)
                results.append(r)
        except KeyboardInterrupt:
            print("interrupted; agent and nginx stopped", file=sys.stderr)
            if not results:
                sys.exit(130)
        print_tables(args, results)
        print(f"\nmachine at the start: {note}")


if __name__ == "__main__":
    main()
