#!/usr/bin/env python3
"""Measures the UI's time to first frame: from starting the program on a terminal to the
first frame that shows data, beside btop 1.2 (Debian) started the same way.

Each program runs on a fresh pseudo-terminal of 120x40 (TERM=xterm-256color, HOME in a
scratch folder) and the clock stops when its output first carries a marker that only a frame
with data has: an endpoint name for cdntop (its first frame before the data feed answers
has none), and this script's own process name for btop (its process list). The bytes are
read as the program writes them, so nothing polls a screen. cdntop opens the database
given with --db read-only (--no-probe), on its default 1h window.

    python3 scripts/measure-first-frame.py --db PROBES.sqlite --runs 10

A 10M-probe database to measure on comes from
`swift run -c release cdntop-bench --interval 18 --keep-db PROBES.sqlite` (its month ends
within the last hour, so the 1h window holds data). Needs a release build and btop
(scripts/install-system-packages --benchmarks).
"""
import argparse, fcntl, os, pty, select, struct, sys, termios, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def first_frame_seconds(argv, marker, env, columns=120, rows=40, timeout=10.0):
    """Seconds from fork to the first output holding `marker`; None if it never came."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        seen = b""
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # the program exited
                return None
            # Keep a tail as long as the marker, so a marker split across reads is found.
            seen = seen[-len(marker):] + chunk
            if marker in seen:
                return time.perf_counter() - start
        return None
    finally:
        os.kill(pid, 15)
        os.waitpid(pid, 0)
        os.close(fd)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the probe database cdntop opens")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--binary", default=".build/release/cdntop")
    parser.add_argument("--btop", default="btop")
    args = parser.parse_args()
    benchlib.check_runs(parser, args)
    cdntop = benchlib.find_binary(args.binary, "swift build -c release")
    btop = benchlib.find_binary(args.btop, "scripts/install-system-packages --benchmarks")
    if not os.path.exists(args.db):
        sys.exit(f"no database at {args.db}")
    with benchlib.Scratch("cdntop-first-frame-") as scratch:
        env = dict(scratch.tool_env(), TERM="xterm-256color", LANG="C.UTF-8")
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(first_frame_seconds([cdntop, "--no-probe", "--db", os.path.abspath(args.db)],
                                            b"endpoint-", env))
            theirs.append(first_frame_seconds([btop], b"python3", env))
        if None in ours or None in theirs:
            sys.exit("a program showed no data within 10 s: "
                     f"cdntop {ours.count(None)} times, btop {theirs.count(None)} times")
        size = os.path.getsize(args.db) / 1e6
        print(f"time to first frame with data at 120x40, {args.runs} runs, median (min–max); database {size:.0f} MB\n")
        print("| program | first frame with data, ms |\n|---|---|")
        print(f"| cdntop --no-probe (1h window) | {benchlib.spread([t * 1000 for t in ours], '{:.0f}')} |")
        print(f"| btop | {benchlib.spread([t * 1000 for t in theirs], '{:.0f}')} |")
        print(f"\nratio cdntop / btop: {sorted(ours)[len(ours) // 2] / sorted(theirs)[len(theirs) // 2]:.1f}×")


if __name__ == "__main__":
    main()
