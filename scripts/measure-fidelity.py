#!/usr/bin/env python3
"""Measures how faithfully cdntop times a probe, phase by phase, beside curl and blackbox_exporter.

A private loopback server (started by this script, 127.0.0.1 only) waits a KNOWN time before it
sends the response headers: one path per delay (--delays, default 10, 50 and 200 ms), over plain
HTTP and over HTTPS with a throwaway self-signed certificate made by openssl (cdntop's
`insecure = true`, curl's -k, blackbox's insecure_skip_verify), so the TLS phase is compared
too. Every endpoint is probed --probes times per run by three tools, interleaved (endpoint
order shuffled, tool order rotated on every probe) so drift hits all of them alike:

  cdntop    `cdntop probe --once` with a one-endpoint config, one process per probe, phases
            read back from the database with `cdntop export` (µs resolution);
  curl      a fresh `curl` process (so a fresh connection) per probe, phases from -w time_*;
  blackbox  Prometheus blackbox_exporter (Debian 0.23) on a private port, GET /probe per probe,
            phases from probe_http_duration_seconds{phase=...}.

Each tool's marks are turned into the same phase durations (curl's -w times are cumulative
from the start of the transfer; cdntop stores durations, except ttfb which is curl's
time_starttransfer; blackbox stores durations):

  dns         curl namelookup              | cdntop dns       | blackbox resolve
  connect     connect − namelookup         | connect          | connect
  tls         appconnect − connect         | tls              | tls
  wait        starttransfer − appconnect   | ttfb − dns − connect − tls | processing
              (or − connect over HTTP): request sent and server delay until the first byte
  first byte  starttransfer (cumulative)   | ttfb (cumulative)| resolve+connect+tls+processing
  transfer    total − starttransfer        | transfer         | transfer
  total       total                        | total            | sum of its phases

Before and after the runs the script notes what else keeps the CPU busy, and warns: on two
cores another benchmark running beside this one moved cdntop's first-byte medians by 1–1.5 ms
(the delay server's threads waited for a core right after cdntop's connect, while cdntop's
own start-up threads were still running), so only figures from a quiet machine count.

For each run, tool, endpoint and phase the median over the run's probes is taken; the tables
give the median of those run medians with their min–max, and the difference of medians
(cdntop − curl, cdntop − blackbox) per run, again as median (min–max) over runs.

    python3 scripts/measure-fidelity.py --runs 5 --probes 30

Needs: curl, prometheus-blackbox-exporter (scripts/install-system-packages --benchmarks), openssl, a release
build (swift build -c release --product cdntop).
"""
import argparse, os, random, socket, ssl, statistics, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

PHASES = ["dns", "connect", "tls", "wait", "first byte", "transfer", "total"]
TOOLS = ["cdntop", "curl", "blackbox"]
CURL_FORMAT = "%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total} %{http_code}"


# ---------------------------------------------------------------------------- the delay server

RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
            b"Cache-Control: no-store\r\nConnection: close\r\n\r\nok\n")


def serve(http_port, https_port, cert, key):
    """Runs until killed: GET /delay/<ms> waits <ms> once the request headers are in, then
    answers 200 with headers and a 3-byte body in one write, and closes the connection.

    A thread per connection (the TLS handshake too, so a slow handshake never holds up the
    accept loop); time.sleep is clock_nanosleep, accurate to well under 0.1 ms here."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def handle(conn, tls):
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if tls:
                conn = context.wrap_socket(conn, server_side=True)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ", 2)[1].decode(errors="replace")
            if path.startswith("/delay/"):
                time.sleep(int(path.rsplit("/", 1)[1]) / 1000)
                conn.sendall(RESPONSE)
            else:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except (OSError, ValueError, IndexError):
            pass
        finally:
            conn.close()

    def accept_loop(port, tls):
        listener = socket.create_server(("127.0.0.1", port), backlog=128)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=handle, args=(conn, tls), daemon=True).start()

    threading.Thread(target=accept_loop, args=(https_port, True), daemon=True).start()
    accept_loop(http_port, False)


# ---------------------------------------------------------------------------- one probe per tool

def phases_from_marks(dns, connect, tls, first_byte, transfer):
    """The common phase dict (ms) from dns/connect/tls durations, the cumulative first byte,
    and the transfer duration."""
    return {"dns": dns, "connect": connect, "tls": tls, "wait": first_byte - dns - connect - tls,
            "first byte": first_byte, "transfer": transfer, "total": first_byte + transfer}


def probe_curl(url, env):
    out = subprocess.run([*benchlib.CURL, "-k",
                          "-o", "/dev/null", "-w", CURL_FORMAT, url],
                         env=env, check=True, capture_output=True, text=True).stdout.split()
    lookup, connect, appconnect, start, total = (float(x) * 1000 for x in out[:5])
    if out[5] != "200":
        raise RuntimeError(f"curl {url}: HTTP {out[5]}")
    handshaken = appconnect if appconnect > 0 else connect
    phases = phases_from_marks(lookup, connect - lookup, handshaken - connect, start, total - start)
    phases["total"] = total  # curl's own total, not re-added
    return phases


def probe_blackbox(port, url):
    metrics = benchlib.blackbox_probe(port, url)
    if metrics.get("probe_success") != 1:
        raise RuntimeError(f"blackbox {url}: probe failed")
    phase = {name: metrics.get(f'probe_http_duration_seconds{{phase="{name}"}}', 0.0) * 1000
             for name in ("resolve", "connect", "tls", "processing", "transfer")}
    first_byte = phase["resolve"] + phase["connect"] + phase["tls"] + phase["processing"]
    result = phases_from_marks(phase["resolve"], phase["connect"], phase["tls"], first_byte, phase["transfer"])
    result["probe_duration"] = metrics["probe_duration_seconds"] * 1000
    return result


def probe_cdntop(binary, config, db, env):
    subprocess.run([binary, "probe", "--once", "--config", config, "--db", db],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cdntop_phases(record):
    if not record["ok"]:
        raise RuntimeError(f"cdntop {record['url']}: {record['error']} {record['error_detail']}")
    result = phases_from_marks(record["dns_ms"], record["connect_ms"], record["tls_ms"],
                               record["ttfb_ms"], record["transfer_ms"])
    result["total"] = record["total_ms"]
    return result


# ---------------------------------------------------------------------------- runs

def make_cert(scratch):
    cert, key = scratch.path("cert.pem"), scratch.path("key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def one_run(run, args, endpoints, binary, blackbox_port, scratch, rng):
    """{tool: {endpoint: [phase dict per probe]}} for one run."""
    env = scratch.tool_env()
    db = scratch.path(f"run{run}.sqlite")
    samples = {tool: {ep: [] for ep, *_ in endpoints} for tool in TOOLS}
    turn = 0
    for _ in range(args.probes):
        order = list(endpoints)
        rng.shuffle(order)
        for ep, url, config in order:
            for k in range(len(TOOLS)):
                tool = TOOLS[(turn + k) % len(TOOLS)]
                if tool == "cdntop":
                    probe_cdntop(binary, config, db, env)
                elif tool == "curl":
                    samples["curl"][ep].append(probe_curl(url, env))
                else:
                    samples["blackbox"][ep].append(probe_blackbox(blackbox_port, url))
            turn += 1
    for record in benchlib.export_probes(binary, db, env):
        samples["cdntop"][record["endpoint"]].append(cdntop_phases(record))
    for ep, *_ in endpoints:
        counts = {tool: len(samples[tool][ep]) for tool in TOOLS}
        if set(counts.values()) != {args.probes}:
            raise RuntimeError(f"run {run}, {ep}: probe counts {counts}, expected {args.probes} each")
    return samples


def run_medians(samples):
    """{tool: {endpoint: {phase: median ms}}} of one run."""
    return {tool: {ep: {phase: statistics.median(p[phase] for p in probes) for phase in [*PHASES, "probe_duration"]
                        if phase in probes[0]}
                   for ep, probes in by_ep.items()}
            for tool, by_ep in samples.items()}


# ---------------------------------------------------------------------------- tables

def cell(values, fmt="{:.2f}"):
    return benchlib.spread(values, fmt)


def print_tables(args, endpoints, medians):
    """medians: one run_medians dict per run."""
    def over_runs(tool, ep, phase):
        return [m[tool][ep][phase] for m in medians]

    def diff(ep, phase, other):
        return [m["cdntop"][ep][phase] - m[other][ep][phase] for m in medians]

    print(f"\nfidelity: {len(medians)} runs × {args.probes} probes per endpoint and tool, interleaved; "
          f"ms, median of run medians (min–max)\n")
    print("Time to first byte (cumulative: dns + connect + tls + wait; curl time_starttransfer)\n")
    print("| endpoint | cdntop | curl | blackbox | cdntop − curl | cdntop − blackbox |")
    print("|---|---|---|---|---|---|")
    for ep, *_ in endpoints:
        print(f"| {ep} | {cell(over_runs('cdntop', ep, 'first byte'))} | {cell(over_runs('curl', ep, 'first byte'))} "
              f"| {cell(over_runs('blackbox', ep, 'first byte'))} | {cell(diff(ep, 'first byte', 'curl'), '{:+.3f}')} "
              f"| {cell(diff(ep, 'first byte', 'blackbox'), '{:+.3f}')} |")
    misses = [ep for ep, *_ in endpoints if abs(statistics.median(diff(ep, "first byte", "curl"))) > 1.0]
    print(f"\nTarget (issue 6): cdntop within 1 ms of curl's time_starttransfer at the median: "
          f"{'met on every endpoint' if not misses else 'MISSED on ' + ', '.join(misses)}\n")
    print("Every phase (durations; wait = request sent + server delay until the first byte)\n")
    print("| endpoint | phase | cdntop | curl | blackbox | cdntop − curl | cdntop − blackbox |")
    print("|---|---|---|---|---|---|---|")
    for ep, url, _ in endpoints:
        for phase in PHASES:
            if phase == "tls" and url.startswith("http:"):
                continue
            print(f"| {ep} | {phase} | {cell(over_runs('cdntop', ep, phase))} | {cell(over_runs('curl', ep, phase))} "
                  f"| {cell(over_runs('blackbox', ep, phase))} | {cell(diff(ep, phase, 'curl'), '{:+.3f}')} "
                  f"| {cell(diff(ep, phase, 'blackbox'), '{:+.3f}')} |")
    print("\nblackbox's own probe_duration_seconds (its whole probe: setup, resolve, request, body), "
          "median (min–max) over runs: " + "; ".join(
              f"{ep} {cell(over_runs('blackbox', ep, 'probe_duration'))}" for ep, *_ in endpoints))


# ---------------------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/cdntop", help="cdntop binary (%(default)s)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--probes", type=int, default=30, help="probes per endpoint, tool and run (%(default)s)")
    parser.add_argument("--delays", default="10,50,200", help="server delays in ms, comma-separated (%(default)s)")
    parser.add_argument("--no-tls", action="store_true", help="plain HTTP endpoints only")
    parser.add_argument("--seed", type=int, default=6, help="seed of the probe order (%(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--serve", nargs=4, metavar=("HTTP_PORT", "HTTPS_PORT", "CERT", "KEY"),
                        help=argparse.SUPPRESS)  # the delay server's own process
    args = parser.parse_args()
    if args.serve:
        return args
    benchlib.check_runs(parser, args)
    try:
        args.delay_list = [int(x) for x in args.delays.split(",")]
    except ValueError:
        parser.error("--delays takes whole milliseconds, e.g. 10,50,200")
    if args.probes < 1:
        parser.error("--probes must be at least 1")
    return args


def main():
    args = parse_args()
    if args.serve:
        http_port, https_port, cert, key = args.serve
        return serve(int(http_port), int(https_port), cert, key)
    binary = benchlib.find_binary(args.binary, "swift build -c release --product cdntop")
    benchlib.find_binary("curl", "scripts/install-system-packages --benchmarks")
    with benchlib.Scratch("cdntop-fidelity-", keep=args.keep) as scratch:
        cert, key = make_cert(scratch)
        http_port, https_port = benchlib.free_port(), benchlib.free_port()
        server = scratch.spawn([sys.executable, os.path.abspath(__file__), "--serve", str(http_port),
                                str(https_port), cert, key], log="server.log")
        benchlib.wait_for_port(http_port, server, "delay server")
        benchlib.wait_for_port(https_port, server, "delay server (TLS)")
        _, blackbox_port = benchlib.start_blackbox(scratch)
        endpoints = []  # (name, url, cdntop config)
        for scheme, port in [("http", http_port)] + ([] if args.no_tls else [("https", https_port)]):
            for delay in args.delay_list:
                name = f"{scheme}-{delay}ms"
                url = f"{scheme}://127.0.0.1:{port}/delay/{delay}"
                extra = {"timeout": "10s", **({"insecure": True} if scheme == "https" else {})}
                endpoints.append((name, url, benchlib.write_cdntop_config(scratch, f"{name}.toml", [(name, url, extra)])))
        print(f"cdntop: {binary}\ncurl: {subprocess.run(['curl', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}\n"
              f"endpoints: {', '.join(url for _, url, _ in endpoints)}", flush=True)
        notes = [f"before: {benchlib.check_quiet()}"]
        rng = random.Random(args.seed)
        medians = []
        try:
            for run in range(1, args.runs + 1):
                started = time.monotonic()
                medians.append(run_medians(one_run(run, args, endpoints, binary, blackbox_port, scratch, rng)))
                ttfb = "; ".join(f"{ep} " + "/".join(f"{medians[-1][t][ep]['first byte']:.2f}" for t in TOOLS)
                                 for ep, *_ in endpoints)
                print(f"run {run} ({time.monotonic() - started:.0f} s), first byte cdntop/curl/blackbox ms: {ttfb}",
                      flush=True)
        except KeyboardInterrupt:
            print("interrupted; servers stopped", file=sys.stderr)
            if not medians:
                sys.exit(130)
        notes.append(f"after: {benchlib.check_quiet()}")
        print_tables(args, endpoints, medians)
        print(f"\nmachine: {'; '.join(notes)}")


if __name__ == "__main__":
    main()
