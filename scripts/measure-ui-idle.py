#!/usr/bin/env python3
"""Measures the idle cost of cdntop's terminal UI next to btop: CPU and resident memory.

Both programs run in the same run, in one fresh tmux server, in two detached sessions of the
same size, each refreshing once a second (btop's update_ms = 1000; cdntop's refresh comes from
--extra). Nobody is attached: the programs still draw to their pty, and that drawing, plus
whatever they read to draw it, is the cost we measure. Because btop's work grows with the
number of processes on the machine, only figures from the same run compare fairly.

After --warmup seconds, CPU is utime+stime (+ reaped children) from /proc/PID/stat at the start
and end of --seconds of sampling, as a percentage of one core; VmRSS is sampled every second.
Each figure is the median of --runs runs with min and max.

    python3 scripts/measure-ui-idle.py --db probes.sqlite --runs 3
    python3 scripts/measure-ui-idle.py --btop-only --seconds 10 --runs 2

--extra takes one string; if it is a single flag, write it as --extra=--no-probe.

Needs: tmux, btop (apt-get install -y btop), a release build (swift build -c release).
btop needs at least 80x24 with its default boxes; smaller, it only prints "Terminal size too
small", which would make it look cheaper than it is.
"""
import argparse, os, shlex, shutil, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (CLK_TCK, Scratch, alive, check_runs, cpu_ticks, dirty_kib, exe_of,  # noqa: E402
                      find_binary, rss_kib, spread, warn)

PANE_ENV = {"TERM": "tmux-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
BTOP_MIN = (80, 24)


# ---------------------------------------------------------------------------- process tree

def children_of(pid):
    """Direct children of pid, from every thread's children list."""
    kids = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(k) for k in f.read().split()]
        except FileNotFoundError:
            pass
    return kids


def resolve_program_pid(pane_pid, binary):
    """The pid running `binary`: the pane process itself, or a descendant if a shell sits between.

    Panes are started with argv (no shell) and `env` execs, so normally pane_pid is the program;
    the search is there so a wrapper can never make us measure the wrong process."""
    want = os.path.realpath(binary)
    queue = [pane_pid]
    while queue:
        pid = queue.pop(0)
        if exe_of(pid) == want:
            return pid
        try:
            queue += children_of(pid)
        except FileNotFoundError:
            pass
    warn(f"no process running {binary} under pane pid {pane_pid}; measuring the pane process")
    return pane_pid


# ---------------------------------------------------------------------------- tmux

class Tmux:
    """One private tmux server on its own socket, with its own config file.

    -f keeps the user's ~/.tmux.conf out; the status line is off so each program gets the full
    WxH; remain-on-exit keeps a dead pane around so its last screen can still be captured."""

    def __init__(self, workdir, width, height):
        self.socket = f"cdntop-idle-{os.getpid()}-{time.monotonic_ns()}"
        self.width, self.height = width, height
        self.conf = os.path.join(workdir, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write("set -g status off\nset -g remain-on-exit on\n"
                    "set -g default-terminal tmux-256color\nset -g history-limit 0\n")

    def run(self, *args, check=True):
        return subprocess.run(["tmux", "-u", "-L", self.socket, "-f", self.conf, *args],
                              check=check, capture_output=True, text=True).stdout

    def start(self, session, argv, env):
        """A detached session running argv directly (no shell), with env on top of the pane's."""
        wrapped = ["env", *(f"{k}={v}" for k, v in {**PANE_ENV, **env}.items()), *argv]
        self.run("new-session", "-d", "-s", session, "-x", str(self.width), "-y", str(self.height),
                 *wrapped)

    def pane(self, session):
        """(pane_pid, dead, width, height) of the session's only pane."""
        out = self.run("list-panes", "-t", session, "-F",
                       "#{pane_pid} #{pane_dead} #{pane_width} #{pane_height}").split()
        return int(out[0]), out[1] == "1", int(out[2]), int(out[3])

    def capture(self, session, path):
        """Writes the visible screen of the session to path; returns its non-blank text."""
        text = self.run("capture-pane", "-p", "-t", session, check=False)
        with open(path, "w") as f:
            f.write(text)
        return text.strip()

    def server_pid(self):
        return int(self.run("display-message", "-p", "#{pid}").strip())

    def kill(self):
        """Kills the server and removes its socket file, which tmux 3.3 leaves behind."""
        path = self.run("display-message", "-p", "#{socket_path}", check=False).strip()
        self.run("kill-server", check=False)
        if path.startswith("/") and os.path.basename(path) == self.socket:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


# ---------------------------------------------------------------------------- one run

def btop_config(workdir):
    """A throwaway XDG_CONFIG_HOME whose btop.conf sets the 1 s interval (btop's default is 2 s),
    so the user's own btop config is neither read nor rewritten on exit."""
    home = os.path.join(workdir, "xdg-config")
    os.makedirs(os.path.join(home, "btop"), exist_ok=True)
    with open(os.path.join(home, "btop", "btop.conf"), "w") as f:
        f.write("update_ms = 1000\n")
    return home


def sample(pids, seconds):
    """CPU % of one core over `seconds` and per-second RSS samples (KiB) for each named pid.

    Ticks are read right before the first and right after the last tick of a deadline-paced
    loop, so the wall time divides exactly the interval the CPU was counted over."""
    start_ticks = {name: cpu_ticks(pid) for name, pid in pids.items()}
    t0 = time.monotonic()
    rss = {name: [] for name in pids}
    for i in range(seconds + 1):
        for name, pid in pids.items():
            kib = rss_kib(pid)
            if kib is not None:
                rss[name].append(kib)
        if i < seconds:
            time.sleep(max(0.0, t0 + i + 1 - time.monotonic()))
    wall = time.monotonic() - t0
    result = {}
    for name, pid in pids.items():
        try:
            cpu = (cpu_ticks(pid) - start_ticks[name]) / CLK_TCK
        except FileNotFoundError:
            warn(f"{name} (pid {pid}) exited during sampling")
            cpu = float("nan")
        result[name] = (cpu / wall * 100, rss[name], dirty_kib(pid))
    return result


def one_run(run, args, programs, workdir):
    """Starts every program in one fresh tmux server, measures them, captures their screens.

    The server is killed in every case, including errors and Ctrl-C."""
    tmux = Tmux(workdir, args.width, args.height)
    try:
        for name, (argv, env) in programs.items():
            tmux.start(name, argv, env)
        time.sleep(min(1.0, args.warmup))  # let each pane exec its program before resolving
        pids = {}
        for name, (argv, _) in programs.items():
            pane_pid, _, w, h = tmux.pane(name)
            if (w, h) != (args.width, args.height):
                warn(f"{name} pane is {w}x{h}, not {args.width}x{args.height}")
            pids[name] = resolve_program_pid(pane_pid, shutil.which(argv[0]) or argv[0])
        pids["tmux server"] = tmux.server_pid()
        time.sleep(max(0.0, args.warmup - 1.0))
        result = sample(pids, args.seconds)
        check_screens(run, tmux, programs, pids, workdir)
        return result
    finally:
        tmux.kill()


def check_screens(run, tmux, programs, pids, workdir):
    """Saves each pane's screen and warns if a program died or drew nothing, because an idle
    figure from a program that is not drawing measures nothing."""
    for name in programs:
        path = os.path.join(workdir, f"run{run}-{name}.txt")
        text = tmux.capture(name, path)
        _, dead, _, _ = tmux.pane(name)
        if dead or not alive(pids[name]):
            warn(f"run {run}: {name} is no longer running (screen in {path})")
        if not text:
            warn(f"run {run}: {name} drew nothing (empty pane, {path})")
        elif "Terminal size too small" in text:
            warn(f"run {run}: {name} says the terminal is too small ({path})")


# ---------------------------------------------------------------------------- report

def mib(kib):
    return kib / 1024


def print_run(run, result):
    parts = []
    for name, (cpu, rss, private) in result.items():
        if rss:
            parts.append(f"{name} {cpu:.2f}% CPU, RSS {mib(statistics.median(rss)):.1f} MiB "
                         f"(max {mib(max(rss)):.1f}), private dirty {mib(private or 0):.1f} MiB")
        else:
            parts.append(f"{name} {cpu:.2f}% CPU, no RSS samples")
    print(f"run {run}: " + " | ".join(parts), flush=True)


def print_table(results, names):
    """Medians over runs of each run's CPU % and median RSS, with the spread; peak RSS is the
    largest single sample seen. The tmux server is shared by both programs, shown for scale."""
    print()
    print("| program | CPU % of one core, median (min–max) | RSS MiB, median (min–max) | RSS MiB peak "
          "| private dirty MiB, median (min–max) |")
    print("|---|---|---|---|---|")
    medians = {}
    for name in names:
        cpus = [r[name][0] for r in results if r[name][0] == r[name][0]]  # drop NaN (died)
        rsss = [statistics.median(r[name][1]) for r in results if r[name][1]]
        peak = max((max(r[name][1]) for r in results if r[name][1]), default=0)
        privates = [mib(r[name][2]) for r in results if r[name][2] is not None]
        if not cpus or not rsss:
            print(f"| {name} | – | – | – | – |")
            continue
        medians[name] = (statistics.median(cpus), statistics.median(rsss), statistics.median(privates or [0]))
        print(f"| {name} | {spread(cpus, '{:.2f}')} | {spread([mib(x) for x in rsss], '{:.1f}')} "
              f"| {mib(peak):.1f} | {spread(privates or [0], '{:.1f}')} |")
    if "cdntop" in medians and "btop" in medians:
        (c_cpu, c_rss, c_private), (b_cpu, b_rss, b_private) = medians["cdntop"], medians["btop"]
        cpu_ratio = f"{c_cpu / b_cpu:.2f}×" if b_cpu else "n/a (btop used no CPU)"
        private_ratio = f"{c_private / b_private:.2f}×" if b_private else "n/a"
        print(f"\ncdntop/btop: CPU {cpu_ratio}, RSS {c_rss / b_rss:.2f}×, private dirty memory {private_ratio}")


# ---------------------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cdntop", "--binary", dest="cdntop", default=".build/release/cdntop", help="cdntop binary")
    parser.add_argument("--db", help="probe database passed to cdntop as --db PATH")
    parser.add_argument("--extra", default="--no-probe --refresh 1s",
                        help="extra cdntop arguments, one shell-quoted string (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=60, help="sampling length per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=5, help="seconds before sampling starts")
    parser.add_argument("--size", default="120x40", help="terminal size WxH")
    parser.add_argument("--btop-only", action="store_true", help="measure btop alone")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (screens, configs)")
    args = parser.parse_args()
    check_runs(parser, args)
    try:
        args.width, args.height = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        parser.error("--size must look like 120x40")
    if args.seconds < 1 or args.warmup < 0:
        parser.error("--seconds must be at least 1, --warmup not negative")
    return args


def programs_for(args, workdir):
    """name -> (argv, extra env). --extra comes before --db so a subcommand in --extra stays first."""
    programs = {}
    if not args.btop_only:
        binary = find_binary(args.cdntop, "swift build -c release, or --btop-only")
        argv = [binary, *shlex.split(args.extra)] + (["--db", os.path.abspath(args.db)] if args.db else [])
        programs["cdntop"] = (argv, {})
    programs["btop"] = ([find_binary("btop", "scripts/install-system-packages --benchmarks")],
                        {"XDG_CONFIG_HOME": btop_config(workdir)})
    return programs


def main():
    args = parse_args()
    find_binary("tmux", "scripts/install-system-packages")
    if args.width < BTOP_MIN[0] or args.height < BTOP_MIN[1]:
        warn(f"btop needs at least {BTOP_MIN[0]}x{BTOP_MIN[1]}; at {args.size} it draws no UI")
    # The scratch directory holds the configs and last screens; the finally blocks still kill
    # the tmux server on Ctrl-C or SIGTERM.
    with Scratch("cdntop-ui-idle-", keep=args.keep) as scratch:
        workdir = scratch.dir
        programs = programs_for(args, workdir)
        for name, (argv, _) in programs.items():
            print(f"{name}: {shlex.join(argv)}")
        print(f"{args.runs} runs × {args.seconds} s after {args.warmup:g} s warmup, {args.size}", flush=True)
        results = []
        try:
            for run in range(1, args.runs + 1):
                result = one_run(run, args, programs, workdir)
                print_run(run, result)
                results.append(result)
        except KeyboardInterrupt:
            print("interrupted; tmux server killed", file=sys.stderr)
            if not results:
                sys.exit(130)
    print_table(results, [*programs, "tmux server"])


if __name__ == "__main__":
    main()
