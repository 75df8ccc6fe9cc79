#!/usr/bin/env python3
"""Measures one probe round of N loopback endpoints: wall time and CPU time (user+sys).

cdntop (`probe --once`, fresh connection per probe, results stored in SQLite) runs beside
curl 7.88's own concurrent mode (`curl --parallel`, one process, same URLs, output discarded,
nothing stored), against the same real nginx on 127.0.0.1, in the same run. Each figure is
the median of --runs runs, with min and max.

    python3 scripts/measure-round.py --endpoints 1000 --runs 5

Needs: nginx (scripts/install-system-packages), a release build (swift build -c release).
"""
import argparse, os, resource, shutil, socket, statistics, subprocess, tempfile, time

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def start_nginx(workdir, port):
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off; worker_processes 1; pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {workdir}/cb; proxy_temp_path {workdir}/p;
  fastcgi_temp_path {workdir}/f; uwsgi_temp_path {workdir}/u; scgi_temp_path {workdir}/s;
  server {{ listen 127.0.0.1:{port} backlog=4096; location / {{ return 200 "ok"; }} }} }}
""")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = subprocess.Popen([nginx, "-p", workdir, "-c", conf, "-e", f"{workdir}/error.log"])
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc
        except OSError:
            time.sleep(0.02)
    raise SystemExit("nginx did not start")

def measured(cmd, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu

def summary(name, samples, n):
    walls = [w for w, _ in samples]
    cpus = [c for _, c in samples]
    med_cpu = statistics.median(cpus)
    print(f"| {name} | {statistics.median(walls)*1000:.0f} ms ({min(walls)*1000:.0f}–{max(walls)*1000:.0f}) "
          f"| {med_cpu*1000:.0f} ms ({min(cpus)*1000:.0f}–{max(cpus)*1000:.0f}) | {med_cpu/n*1e6:.0f} µs |")
    return med_cpu

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoints", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=".build/release/cdntop")
    args = parser.parse_args()
    n = args.endpoints
    workdir = tempfile.mkdtemp(prefix="cdntop-measure-")
    os.chmod(workdir, 0o755)
    port = free_port()
    nginx = start_nginx(workdir, port)
    try:
        urls = [f"http://127.0.0.1:{port}/e{i}" for i in range(n)]
        config = os.path.join(workdir, "config.toml")
        with open(config, "w") as f:
            for i, url in enumerate(urls):
                f.write(f'[[endpoint]]\nname = "e{i}"\nsite = "loopback"\nurl = "{url}"\n\n')
        curl_config = os.path.join(workdir, "curl.conf")
        with open(curl_config, "w") as f:
            for url in urls:
                f.write(f'url = "{url}"\noutput = "/dev/null"\n')
        env = dict(os.environ, HOME=workdir)
        cdntop, curl = [], []
        for run in range(args.runs):
            db = os.path.join(workdir, f"run{run}.sqlite")
            cdntop.append(measured([args.binary, "probe", "--once", "--config", config, "--db", db], env))
            curl.append(measured(["curl", "-s", "--parallel", "--parallel-max", str(min(n, 300)),
                                  "--no-keepalive", "-K", curl_config]))
        print(f"round of {n} loopback endpoints (nginx, 127.0.0.1), {args.runs} runs, median (min–max)\n")
        print("| tool | wall | CPU (user+sys) | CPU per probe |\n|---|---|---|---|")
        ours = summary("cdntop probe --once (stores to SQLite)", cdntop, n)
        theirs = summary("curl --parallel (one process, no storage)", curl, n)
        print(f"\nCPU ratio cdntop / curl: {ours/theirs:.2f}")
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    main()
