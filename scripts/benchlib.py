"""Helpers shared by the measurement scripts in this directory (imported, not run).

One copy of each thing the scripts would otherwise repeat: a scratch directory that takes its
child processes down with it, loopback servers (nginx, Prometheus blackbox_exporter), the
cdntop config writer, CPU and memory readers (rusage for children, /proc for a running
process), and the "median (min–max)" formatting every table uses.

Everything listens on and talks to 127.0.0.1 only.
"""
import json, os, resource, shutil, signal, socket, statistics, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
                   "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


# Every curl the scripts run: -q ignores ~/.curlrc, --noproxy keeps proxies out, -s -S is
# quiet but for errors, --no-keepalive turns off TCP keepalive probes (connection reuse inside
# one process is another matter: see measure-probe-cost.py).
CURL = ["curl", "-q", "-s", "-S", "--no-keepalive", "--noproxy", "*"]


def warn(message):
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- scratch space

def _interrupted(signum, frame):
    raise KeyboardInterrupt


def raise_on_termination():
    """SIGTERM and SIGHUP take the Ctrl-C path (KeyboardInterrupt), so `finally` blocks still
    stop child processes and servers."""
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGHUP, _interrupted)


class Scratch:
    """A temporary directory plus every child process started through it.

    Leaving the `with` block, normally or by an exception (Ctrl-C and SIGTERM included),
    stops the children (SIGTERM, then SIGKILL after a grace period), reaps them, and removes
    the directory unless `keep` is set."""

    def __init__(self, prefix, keep=False):
        self.prefix, self.keep = prefix, keep
        self.children = []

    def __enter__(self):
        raise_on_termination()
        self.dir = tempfile.mkdtemp(prefix=self.prefix)
        os.chmod(self.dir, 0o755)  # nginx workers may run as another user
        return self

    def __exit__(self, *exc):
        self.stop_all()
        if self.keep:
            print(f"kept {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        path = self.path(name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def spawn(self, argv, log=None, **kwargs):
        """Starts argv as a tracked child; stdout and stderr go to `log` in the scratch dir."""
        if log:
            out = open(self.path(log), "ab")
            kwargs.setdefault("stdout", out)
            kwargs.setdefault("stderr", subprocess.STDOUT)
        else:
            kwargs.setdefault("stdout", subprocess.DEVNULL)
            kwargs.setdefault("stderr", subprocess.DEVNULL)
        proc = subprocess.Popen(argv, **kwargs)
        self.children.append(proc)
        return proc

    def stop(self, proc, grace=5.0):
        """SIGTERM, wait up to `grace` seconds, then SIGKILL. Returns the exit status."""
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def stop_all(self):
        for proc in reversed(self.children):
            self.stop(proc)
        self.children.clear()

    def tool_env(self):
        """The environment for every measured tool: HOME in the scratch dir (so cdntop's XDG
        defaults, ~/.curlrc and the like stay out), no XDG overrides, no proxy variables (a
        proxy would be measured instead of the server)."""
        env = {k: v for k, v in os.environ.items()
               if k not in PROXY_VARIABLES and not k.startswith("XDG_")}
        env["HOME"] = self.dir
        return env


# ---------------------------------------------------------------------------- binaries, ports

def find_binary(path, hint=""):
    """Absolute path of an executable given as a path or a name on PATH; exits if missing."""
    found = shutil.which(path) if os.sep not in path else (path if os.access(path, os.X_OK) else None)
    if not found:
        sys.exit(f"not found or not executable: {path}{' (' + hint + ')' if hint else ''}")
    return os.path.abspath(found)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what, timeout=10.0):
    """Returns once 127.0.0.1:port accepts connections; exits if proc dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with status {proc.returncode} before listening on port {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    sys.exit(f"{what} did not listen on 127.0.0.1:{port} within {timeout:g} s")


# ---------------------------------------------------------------------------- servers

def start_nginx(scratch, body="ok"):
    """A private nginx on a free loopback port answering 200 `body` on every path.

    One worker, so the server side is the same for every tool; a listen backlog and
    connection limit large enough for a thousand simultaneous fresh connections."""
    port = free_port()
    d = scratch.dir
    conf = scratch.write("nginx.conf", f"""daemon off; worker_processes 1; pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {d}/cb; proxy_temp_path {d}/p;
  fastcgi_temp_path {d}/f; uwsgi_temp_path {d}/u; scgi_temp_path {d}/s;
  server {{ listen 127.0.0.1:{port} backlog=4096; location / {{ return 200 "{body}"; }} }} }}
""")
    nginx = find_binary(shutil.which("nginx") or "/usr/sbin/nginx", "scripts/install-system-packages")
    proc = scratch.spawn([nginx, "-p", d, "-c", conf, "-e", f"{d}/nginx-error.log"], log="nginx.log")
    wait_for_port(port, proc, "nginx")
    return proc, port


BLACKBOX_HTTP_MODULE = """modules:
  http_probe:
    prober: http
    timeout: {timeout}s
    http:
      method: GET
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      no_follow_redirects: true
      tls_config:
        insecure_skip_verify: true
"""


def start_blackbox(scratch, timeout=10):
    """Prometheus blackbox_exporter on a free loopback port with one module, `http_probe`:
    GET, IPv4, no redirects, TLS verification off (the test servers use self-signed certs).

    Returns (process, port). The Debian package's system service is never touched."""
    binary = find_binary(shutil.which("prometheus-blackbox-exporter") or "blackbox_exporter",
                         "scripts/install-system-packages --benchmarks")
    port = free_port()
    conf = scratch.write("blackbox.yml", BLACKBOX_HTTP_MODULE.format(timeout=timeout))
    proc = scratch.spawn([binary, f"--config.file={conf}", f"--web.listen-address=127.0.0.1:{port}",
                          "--log.level=warn"], log="blackbox.log", env=scratch.tool_env())
    wait_for_port(port, proc, "blackbox_exporter")
    return proc, port


def blackbox_probe(port, target, module="http_probe", timeout=30):
    """Asks the exporter to probe target once; returns its metrics as {name or name{labels}: value}."""
    query = urllib.parse.urlencode({"module": module, "target": target})
    # urllib would honour http_proxy for 127.0.0.1 unless told not to.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{port}/probe?{query}", timeout=timeout) as response:
        text = response.read().decode()
    metrics = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            metrics[name] = float(value)
    return metrics


# ---------------------------------------------------------------------------- cdntop

def toml_string(text):
    return json.dumps(text)  # a JSON string is a valid TOML basic string for these inputs


def write_cdntop_config(scratch, name, endpoints, region="bench"):
    """Writes a cdntop config with one [[endpoint]] per (endpoint name, url, extra keys) and
    returns its path. Extra values are written as TOML: str quoted, bool/int as is."""
    lines = ["[agent]", f"region = {toml_string(region)}", ""]
    for ep_name, url, extra in endpoints:
        lines += ["[[endpoint]]", f"name = {toml_string(ep_name)}", 'site = "loopback"',
                  f"url = {toml_string(url)}"]
        for key, value in extra.items():
            rendered = toml_string(value) if isinstance(value, str) else str(value).lower()
            lines.append(f"{key} = {rendered}")
        lines.append("")
    return scratch.write(name, "\n".join(lines))


def export_probes(binary, db, env):
    """Every probe stored in db, as dicts of the JSON-line fields (`cdntop export`)."""
    out = subprocess.run([binary, "export", "--format", "jsonl", "--db", db], env=env, check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# ---------------------------------------------------------------------------- CPU and memory

def children_cpu():
    """user+sys seconds of every reaped child of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(argv, env=None):
    """Runs argv to completion; returns (wall seconds, CPU seconds user+sys of it and its
    children). Fails loudly on a non-zero exit: a failed run measures nothing."""
    before = children_cpu()
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    return wall, children_cpu() - before


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()  # comm may contain spaces and ')'


def cpu_ticks(pid):
    """utime+stime+cutime+cstime of a running pid, in clock ticks (CLK_TCK per second).

    Threads are included in a process's own times; reaped children are added so a program
    that shells out is charged for that work too."""
    return sum(int(x) for x in _stat_fields(pid)[11:15])  # fields 14-17 of proc(5)


def rss_kib(pid):
    """VmRSS of pid in KiB; None once the process is gone (or a zombie, which has no VmRSS)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def smaps_kib(pid, *fields):
    """Sum of the named /proc/PID/smaps_rollup fields in KiB; None once the process is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            values = dict(line.split(":", 1) for line in f if ":" in line)
        return sum(int(values[name].split()[0]) for name in fields)
    except (OSError, KeyError, ValueError):
        return None


def dirty_kib(pid):
    """Private_Dirty of pid in KiB: the heap, stacks and written data, what the process alone
    costs. RSS also counts shared library pages, which dominate for a program linked against
    the Swift runtime and Foundation; Private_Clean holds library pages that no other process
    happens to map at that moment, so it moves when other processes come and go. A leak shows
    here, undisturbed by either."""
    return smaps_kib(pid, "Private_Dirty")


def exe_of(pid):
    """Resolved executable path of pid, or '' if unreadable."""
    try:
        return os.path.realpath(f"/proc/{pid}/exe")
    except OSError:
        return ""


def wait_for_exec(pid, binary, timeout=5.0):
    """Waits until pid runs `binary` (a fresh Popen is briefly still a copy of Python)."""
    want = os.path.realpath(binary)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if exe_of(pid) == want:
            return
        time.sleep(0.01)
    warn(f"pid {pid} does not run {binary} after {timeout:g} s")


def alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        return _stat_fields(pid)[0] != "Z"
    except FileNotFoundError:
        return False


def _all_cpu_ticks():
    """{pid: (name, utime+stime ticks)} of every process readable in /proc."""
    ticks = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    head, tail = f.read().rsplit(")", 1)
                fields = tail.split()
                ticks[int(entry)] = (head.split("(", 1)[1], int(fields[11]) + int(fields[12]))
            except (OSError, IndexError, ValueError):
                pass
    return ticks


def check_quiet(seconds=2.0, threshold=0.15):
    """Warns when other processes keep the CPU busy: on a 2-core machine a benchmark running
    beside ours moves latency figures by milliseconds (a server thread waits for a core).
    Returns a one-line note of what was running, for the report."""
    before, t0 = _all_cpu_ticks(), time.monotonic()
    time.sleep(seconds)
    after, wall = _all_cpu_ticks(), time.monotonic() - t0
    busy = sorted(((after[pid][1] - before[pid][1]) / CLK_TCK / wall, after[pid][0], pid)
                  for pid in after if pid in before and pid != os.getpid())
    busy = [b for b in busy if b[0] >= threshold][::-1]
    load = os.getloadavg()[0]
    if busy:
        names = ", ".join(f"{name} (pid {pid}) {share:.0%} of a core" for share, name, pid in busy)
        warn(f"the machine is not quiet: {names}; latency figures will be noisier")
        return f"load {load:.2f}; busy beside us: {names}"
    return f"load {load:.2f}; no other process above {threshold:.0%} of a core"


# ---------------------------------------------------------------------------- statistics, formatting

def spread(values, fmt="{:.1f}"):
    """'median (min–max)' of values, each formatted with fmt; '–' when there are none."""
    values = [v for v in values if v == v]  # NaN marks a missing figure
    if not values:
        return "–"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def slope_per_unit(xs, ys):
    """Least-squares slope of ys over xs; 0 with fewer than two distinct xs."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


def check_runs(parser, args):
    if args.runs < 1:
        parser.error("--runs must be at least 1")


def alternate_runs(ways, measure, runs, describe):
    """Runs every way `runs` times, rotating which goes first each run so no way always pays
    for a cold cache or a warm one. `measure(way, run)` returns (wall, cpu) seconds;
    `describe(way, wall, cpu)` is that way's part of the progress line. Ctrl-C keeps the runs
    that every way completed, so a cut-short benchmark still prints comparable figures.
    Returns {way: [(wall, cpu), ...]}."""
    results = {way: [] for way in ways}
    try:
        for run in range(runs):
            order = ways[run % len(ways):] + ways[:run % len(ways)]
            line = []
            for way in order:
                wall, cpu = measure(way, run)
                results[way].append((wall, cpu))
                line.append(describe(way, wall, cpu))
            print(f"run {run + 1}: " + "; ".join(line), flush=True)
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        if not results[ways[-1]]:
            sys.exit(130)
        done = min(len(v) for v in results.values())
        results = {way: v[:done] for way, v in results.items()}
    return results
