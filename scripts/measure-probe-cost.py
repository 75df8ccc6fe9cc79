#!/usr/bin/env python3
"""Measures what one probe costs in CPU time (user+sys), for a round of N loopback endpoints.

Five ways of probing the same N URLs on one private nginx (127.0.0.1, one worker, a path per
endpoint), in the same run, in an order rotated from run to run:

  cdntop             one `cdntop probe --once` process: load the config, open the database,
                     probe every endpoint concurrently on fresh connections, store the round
                     with its rollups. CPU from RUSAGE_CHILDREN around the process.
  curl per process   N separate `curl` processes, one URL each (a fresh process per probe, as a
                     cron job or a shell loop would run them), --jobs at a time. CPU of all of
                     them from RUSAGE_CHILDREN (this script's own fork/exec work is not counted).
  curl --parallel    one curl process fetching every URL concurrently (curl 7.88's own
                     multi mode); it stores nothing and reuses connections: a floor.
  curl --parallel, Connection: close
                     the same with a fresh connection per URL, as cdntop probes (nginx
                     closes each one after its response, so none can be reused).
  blackbox_exporter  one long-running exporter (started once, warmed up) given N GET /probe
                     requests, --jobs at a time. CPU is the exporter's utime+stime delta
                     from /proc/PID/stat (clock ticks, 10 ms each, over a second or more of
                     CPU); the client that sends the requests is this script, not counted.

Each figure is the median of --runs runs with min–max; CPU per probe is CPU / N. Wall time is
shown too (for curl per process it depends on --jobs). The issue 6 target: cdntop's CPU per
probe at most 1/10 of a curl process's.

    python3 scripts/measure-probe-cost.py --endpoints 1000 --runs 5

Needs: nginx (scripts/install-system-packages), curl and prometheus-blackbox-exporter
(scripts/install-system-packages --benchmarks), a release build (swift build -c release --product cdntop).
"""
import argparse, os, statistics, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

WAYS = ["cdntop probe --once", "curl, one process per probe", "curl --parallel (one process)",
        "curl --parallel, Connection: close", "blackbox_exporter"]


def run_cdntop(ctx, run):
    db = ctx["scratch"].path(f"run{run}.sqlite")
    wall, cpu = benchlib.measured([ctx["binary"], "probe", "--once", "--config", ctx["config"], "--db", db],
                                  ctx["env"])
    probes = benchlib.export_probes(ctx["binary"], db, ctx["env"])
    ok = sum(1 for p in probes if p["ok"])
    if ok != ctx["n"]:
        raise RuntimeError(f"cdntop stored {len(probes)} probes, {ok} ok, expected {ctx['n']}")
    return wall, cpu


def run_curl_processes(ctx, run):
    """N curl processes, at most --jobs alive at once; all are reaped by this thread, so their
    CPU lands in RUSAGE_CHILDREN."""
    argv = [*benchlib.CURL, "-f", "-o", "/dev/null"]
    before = benchlib.children_cpu()
    start = time.perf_counter()
    # Popen objects stay referenced until reaped here: one dropped while running would be
    # reaped behind our back by subprocess's own bookkeeping.
    running, failed = {}, 0

    def reap_one():
        nonlocal failed
        pid, status = os.wait()
        proc = running.pop(pid, None)
        if proc is None:
            raise RuntimeError(f"a server process (pid {pid}) exited during the run")
        proc.returncode = os.waitstatus_to_exitcode(status)
        failed += proc.returncode != 0

    for url in ctx["urls"]:
        while len(running) >= ctx["jobs"]:
            reap_one()
        proc = subprocess.Popen(argv + [url], env=ctx["env"])
        running[proc.pid] = proc
    while running:
        reap_one()
    wall = time.perf_counter() - start
    if failed:
        raise RuntimeError(f"{failed} curl processes failed")
    return wall, benchlib.children_cpu() - before


def run_curl_parallel(ctx, run, fresh_connections=False):
    close = ["-H", "Connection: close"] if fresh_connections else []
    return benchlib.measured([*benchlib.CURL, "-f", "--parallel", "--parallel-max", str(min(ctx["n"], 300)),
                              *close, "-K", ctx["curl_config"]], ctx["env"])


def run_curl_parallel_fresh(ctx, run):
    return run_curl_parallel(ctx, run, fresh_connections=True)


def run_blackbox(ctx, run):
    pid, port = ctx["blackbox"].pid, ctx["blackbox_port"]

    def probe(url):
        return benchlib.blackbox_probe(port, url).get("probe_success") == 1

    before = benchlib.cpu_ticks(pid)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=ctx["jobs"]) as pool:
        ok = sum(pool.map(probe, ctx["urls"]))
    wall = time.perf_counter() - start
    cpu = (benchlib.cpu_ticks(pid) - before) / benchlib.CLK_TCK
    if ok != ctx["n"]:
        raise RuntimeError(f"blackbox: {ok} of {ctx['n']} probes succeeded")
    return wall, cpu


RUNNERS = dict(zip(WAYS, [run_cdntop, run_curl_processes, run_curl_parallel, run_curl_parallel_fresh, run_blackbox]))


def print_table(ctx, results):
    n = ctx["n"]
    print(f"\nprobe cost: round of {n} loopback endpoints (nginx, 127.0.0.1), {len(results[WAYS[0]])} runs, "
          f"--jobs {ctx['jobs']}; median (min–max)\n")
    print("| way | wall | CPU (user+sys) | CPU per probe | cdntop's share |")
    print("|---|---|---|---|---|")
    medians = {}
    for way in WAYS:
        walls = [w * 1000 for w, _ in results[way]]
        cpus = [c * 1000 for _, c in results[way]]
        per_probe = [c / n * 1000 for c in cpus]  # µs
        medians[way] = statistics.median(cpus)
        share = "–" if way == WAYS[0] else f"{medians[WAYS[0]] / medians[way]:.2f}×"
        print(f"| {way} | {benchlib.spread(walls, '{:,.0f}')} ms | {benchlib.spread(cpus, '{:,.0f}')} ms "
              f"| {benchlib.spread(per_probe, '{:,.0f}')} µs | {share} |")
    target = medians[WAYS[0]] * 10 <= medians[WAYS[1]]
    print(f"\nTarget (issue 6): cdntop per-probe CPU ≤ 1/10 of a curl process's: "
          f"{'met' if target else 'MISSED'} (cdntop/curl-per-process = "
          f"{medians[WAYS[0]] / medians[WAYS[1]]:.3f})")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/cdntop", help="cdntop binary (%(default)s)")
    parser.add_argument("--endpoints", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=8,
                        help="curl processes / blackbox requests in flight at once (%(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    benchlib.check_runs(parser, args)
    if args.endpoints < 1 or args.jobs < 1:
        parser.error("--endpoints and --jobs must be at least 1")
    return args


def main():
    args = parse_args()
    binary = benchlib.find_binary(args.binary, "swift build -c release --product cdntop")
    benchlib.find_binary("curl", "scripts/install-system-packages --benchmarks")
    with benchlib.Scratch("cdntop-probe-cost-", keep=args.keep) as scratch:
        _, port = benchlib.start_nginx(scratch)
        blackbox, blackbox_port = benchlib.start_blackbox(scratch)
        urls = [f"http://127.0.0.1:{port}/e{i}" for i in range(args.endpoints)]
        ctx = {
            "scratch": scratch, "binary": binary, "n": args.endpoints, "urls": urls, "jobs": args.jobs,
            "env": scratch.tool_env(), "blackbox": blackbox, "blackbox_port": blackbox_port,
            "config": benchlib.write_cdntop_config(
                scratch, "config.toml", [(f"e{i}", url, {}) for i, url in enumerate(urls)]),
            "curl_config": scratch.write("curl.conf", "".join(f'url = "{u}"\noutput = "/dev/null"\n' for u in urls)),
        }
        for url in urls[:20]:  # warm the exporter up: first requests pay for lazy setup
            benchlib.blackbox_probe(blackbox_port, url)
        print(f"cdntop: {binary}\nscratch: {scratch.dir}", flush=True)
        notes = [f"before: {benchlib.check_quiet()}"]
        results = benchlib.alternate_runs(
            WAYS, lambda way, run: RUNNERS[way](ctx, run), args.runs,
            lambda way, wall, cpu: f"{way} {cpu * 1000:.0f} ms CPU")
        notes.append(f"after: {benchlib.check_quiet()}")
        print_table(ctx, results)
        print(f"\nmachine: {'; '.join(notes)}")


if __name__ == "__main__":
    main()
