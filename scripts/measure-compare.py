#!/usr/bin/env python3
"""Measures `cdntop compare` against the shell-and-tools way of answering the same question.

The work: 10 loopback URLs (one private nginx, 127.0.0.1, a path each) × 20 rounds, every URL
of a round probed at the same moment on a fresh connection, then TTFB p50/p95 per URL. Three
ways, in the same run, in an order rotated from run to run:

  cdntop compare      one process: `cdntop compare URL… --rounds 20 --interval 1ms --format json`
                      (rounds back to back, the libcurl multi engine, the report's statistics).
  curl -w, shell loop a bash loop of 20 rounds, each starting one `curl -w '%{time_starttransfer}'`
                      per URL in the background and waiting for all of them (200 curl
                      processes), then sort and awk for each URL's p50 and p95.
  hey                 Debian's `hey` (the Go load generator; oha is not packaged): one process
                      per URL, run at once, each sending 20 requests one after another with
                      keep-alive off; hey prints its own latency percentiles (of the whole
                      response, not TTFB: it has no TTFB percentile).

Wall time and CPU (user+sys of the process and its children, RUSAGE_CHILDREN) are the median
of --runs runs with min–max; the ratio is the way's median over cdntop's.

    python3 scripts/measure-compare.py --runs 5

Needs: nginx (scripts/install-system-packages), curl, hey, bash
(scripts/install-system-packages --benchmarks), a release build (swift build -c release --product cdntop).
"""
import argparse, json, os, shlex, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

WAYS = ["cdntop compare", "curl -w, shell loop", "hey, one process per URL"]

# Each round's curls run at once; each URL's TTFB samples go to its own file, then sort | awk
# prints "url p50 p95" (nearest-rank percentiles, in seconds as curl writes them).
CURL_LOOP = r"""
set -eu
out=$1; rounds=$2; shift 2
for round in $(seq "$rounds"); do
    i=0
    for url in "$@"; do
        i=$((i + 1))
        CURL -f -o /dev/null -w '%{time_starttransfer}\n' "$url" >> "$out/ttfb-$i" &
    done
    wait
done
i=0
for url in "$@"; do
    i=$((i + 1))
    sort -n "$out/ttfb-$i" | awk -v url="$url" '{ v[NR] = $1 } END {
        p50 = v[int((NR + 1) * 0.5)]; p95 = v[int(NR * 0.95 + 0.999999)]
        printf "%s p50 %.1f ms p95 %.1f ms (n=%d)\n", url, p50 * 1000, p95 * 1000, NR }'
    rm "$out/ttfb-$i"
done
"""

HEY_ALL = r"""
set -eu
rounds=$1; shift
for url in "$@"; do
    hey -n "$rounds" -c 1 -disable-keepalive "$url" > /dev/null &
done
wait
"""


def run_cdntop(ctx):
    argv = [ctx["binary"], "compare", *ctx["urls"], "--rounds", str(ctx["rounds"]), "--interval", "1ms",
            "--format", "json"]
    before = benchlib.children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=ctx["env"], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    cpu = benchlib.children_cpu() - before
    endpoints = json.loads(done.stdout)["endpoints"]
    bad = [e["url"] for e in endpoints if e["ok"] != ctx["rounds"]]
    if len(endpoints) != len(ctx["urls"]) or bad:
        raise RuntimeError(f"cdntop compare: not every probe succeeded: {bad}")
    return wall, cpu


def run_curl_loop(ctx):
    script = CURL_LOOP.replace("CURL", " ".join(shlex.quote(a) for a in benchlib.CURL))
    return benchlib.measured(["bash", "-c", script, "curl-loop", ctx["scratch"].dir, str(ctx["rounds"]), *ctx["urls"]],
                             ctx["env"])


def run_hey(ctx):
    return benchlib.measured(["bash", "-c", HEY_ALL, "hey-all", str(ctx["rounds"]), *ctx["urls"]], ctx["env"])


RUNNERS = dict(zip(WAYS, [run_cdntop, run_curl_loop, run_hey]))


def print_table(ctx, results):
    runs = len(results[WAYS[0]])
    print(f"\ncompare: {len(ctx['urls'])} loopback URLs × {ctx['rounds']} rounds (nginx, 127.0.0.1), "
          f"{runs} runs; median (min–max)\n")
    print("| way | wall | CPU (user+sys) | CPU ratio to cdntop |")
    print("|---|---|---|---|")
    base = statistics.median(c for _, c in results[WAYS[0]])
    for way in WAYS:
        walls = [w * 1000 for w, _ in results[way]]
        cpus = [c * 1000 for _, c in results[way]]
        ratio = "–" if way == WAYS[0] else f"{statistics.median(cpus) / (base * 1000):.1f}×"
        print(f"| {way} | {benchlib.spread(walls, '{:,.0f}')} ms | {benchlib.spread(cpus, '{:,.0f}')} ms | {ratio} |")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/cdntop", help="cdntop binary (%(default)s)")
    parser.add_argument("--urls", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    benchlib.check_runs(parser, args)
    if args.urls < 1 or args.rounds < 1:
        parser.error("--urls and --rounds must be at least 1")
    return args


def main():
    args = parse_args()
    binary = benchlib.find_binary(args.binary, "swift build -c release --product cdntop")
    for tool in ("curl", "hey", "bash"):
        benchlib.find_binary(tool, "scripts/install-system-packages --benchmarks")
    with benchlib.Scratch("cdntop-compare-", keep=args.keep) as scratch:
        _, port = benchlib.start_nginx(scratch)
        ctx = {"scratch": scratch, "binary": binary, "rounds": args.rounds, "env": scratch.tool_env(),
               "urls": [f"http://127.0.0.1:{port}/u{i}" for i in range(args.urls)]}
        print(f"cdntop: {binary}\nhey: {subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'hey'], capture_output=True, text=True).stdout or 'unknown version'}"
              f"\nscratch: {scratch.dir}", flush=True)
        notes = [f"before: {benchlib.check_quiet()}"]
        results = benchlib.alternate_runs(
            WAYS, lambda way, run: RUNNERS[way](ctx), args.runs,
            lambda way, wall, cpu: f"{way} {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
        notes.append(f"after: {benchlib.check_quiet()}")
        print_table(ctx, results)
        print(f"\nmachine: {'; '.join(notes)}")


if __name__ == "__main__":
    main()
