#!/usr/bin/env python3
"""Measures what `cdntop probe --metrics` costs the agent: CPU with metrics on against off.

N loopback endpoints (one private nginx on 127.0.0.1, a path per endpoint) probed every
--interval by `cdntop probe`, for --seconds per run; runs alternate off, on, off, on… in one
invocation, so both sides see the same machine. With metrics on, the script scrapes
/metrics every second as Prometheus would (the scrape's own cost on the script's side is not
counted; rendering it on the agent's side is), and the config sets a p95 threshold on every
endpoint, so each stored round also re-evaluates the alert state from the store. Each run's
CPU is everything the agent used (user + system, start-up included, from its rusage after
SIGTERM), divided by the probes it stored (`cdntop export`).

    python3 scripts/measure-metrics-cost.py --endpoints 200 --interval 1 --seconds 60 --runs 3

Needs: nginx (scripts/install-system-packages), a release build (swift build -c release).
"""
import argparse, os, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/cdntop", help="cdntop binary (%(default)s)")
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--interval", type=float, default=1, help="probe interval, seconds (%(default)s)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each run (%(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="runs per side (%(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (db, logs)")
    args = parser.parse_args()
    benchlib.check_runs(parser, args)
    if args.endpoints < 1 or args.interval < 0.1 or args.seconds <= 0:
        parser.error("--endpoints ≥ 1, --interval ≥ 0.1, --seconds > 0")
    return args


def scrape(port):
    """One scrape of /metrics; returns the number of sample lines (0 when nothing answered)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            return sum(1 for line in response.read().decode().splitlines() if line and not line.startswith("#"))
    except OSError:
        return 0


def one_run(args, scratch, binary, config, run, metrics):
    db = scratch.path(f"run{run}-{'on' if metrics else 'off'}.sqlite")
    env = scratch.tool_env()
    argv = [binary, "probe", "--config", config, "--db", db]
    port = benchlib.free_port()
    if metrics:
        argv += ["--metrics", f"127.0.0.1:{port}"]
    cpu_before = benchlib.children_cpu()
    agent = scratch.spawn(argv, log=f"agent{run}-{metrics}.log", env=env)
    benchlib.wait_for_exec(agent.pid, binary)
    t0 = time.monotonic()
    scrapes, samples = 0, 0
    try:
        while time.monotonic() - t0 < args.seconds:
            if agent.poll() is not None:
                sys.exit(f"the agent exited with status {agent.returncode}; see {scratch.path(f'agent{run}-{metrics}.log')}")
            if metrics:
                lines = scrape(port)
                scrapes += 1 if lines else 0
                samples = max(samples, lines)
            time.sleep(1)
    finally:
        scratch.stop(agent, grace=60)
    cpu = benchlib.children_cpu() - cpu_before
    probes = len(benchlib.export_probes(binary, db, env))
    if metrics and not scrapes:
        sys.exit("no scrape of /metrics succeeded")
    return {"cpu": cpu, "probes": probes, "scrapes": scrapes, "samples": samples,
            "us_per_probe": cpu / probes * 1e6 if probes else float("nan"),
            "core_percent": cpu / args.seconds * 100}


def main():
    args = parse_args()
    binary = benchlib.find_binary(args.binary, "swift build -c release --product cdntop")
    with benchlib.Scratch("cdntop-metrics-", keep=args.keep) as scratch:
        _, port = benchlib.start_nginx(scratch)
        # A line no loopback probe crosses: the evaluation runs every round, nothing fires.
        endpoints = [(f"e{i}", f"http://127.0.0.1:{port}/e{i}",
                      {"interval": f"{args.interval:g}s", "timeout": "5s", "max_p95": "5s", "alert_min_probes": 1})
                     for i in range(args.endpoints)]
        config = benchlib.write_cdntop_config(scratch, "metrics.toml", endpoints)
        print(f"cdntop: {binary}\nscratch: {scratch.dir}", flush=True)
        note = benchlib.check_quiet()
        results = {False: [], True: []}
        for run in range(1, args.runs + 1):
            for metrics in (False, True):
                r = one_run(args, scratch, binary, config, run, metrics)
                results[metrics].append(r)
                print(f"run {run} metrics {'on ' if metrics else 'off'}: {r['probes']:,} probes, "
                      f"{r['cpu']:.2f} s CPU, {r['us_per_probe']:.0f} µs/probe", flush=True)
        print(f"\nmetrics cost: {args.endpoints} loopback endpoints (nginx) every {args.interval:g} s, "
              f"{args.seconds:g} s per run, {args.runs} runs per side, alternating\n")
        print("| agent | probes stored per run | CPU per probe, median (min–max) | CPU, % of one core | scrapes, samples per scrape |")
        print("|---|---|---|---|---|")
        for metrics in (False, True):
            rs = results[metrics]
            print(f"| `cdntop probe`{' --metrics' if metrics else ''} "
                  f"| {benchlib.spread([r['probes'] for r in rs], '{:,.0f}')} "
                  f"| {benchlib.spread([r['us_per_probe'] for r in rs], '{:.0f}')} µs "
                  f"| {benchlib.spread([r['core_percent'] for r in rs], '{:.2f}')}% "
                  f"| {'%d, %d' % (rs[0]['scrapes'], rs[0]['samples']) if metrics else '—'} |")
        off = sorted(r["us_per_probe"] for r in results[False])[len(results[False]) // 2]
        on = sorted(r["us_per_probe"] for r in results[True])[len(results[True]) // 2]
        print(f"\nmedian difference: {on - off:+.0f} µs per probe ({(on - off) / off * 100:+.1f}%)")
        print(f"\nmachine at the start: {note}")


if __name__ == "__main__":
    main()
