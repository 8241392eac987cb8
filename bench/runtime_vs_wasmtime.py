#!/usr/bin/env python3
"""Side-by-side benchmark: `edgecart up` against `wasmtime serve` (wasmtime-cli 50).

Both runtimes serve the same spin-sdk 7 hello component (bench/components/hello)
on this machine, one after the other, in alternating rounds, under the same wrk
load. The report is a ratio table: edgecart / wasmtime serve.

    python3 bench/runtime_vs_wasmtime.py [--rounds 3] [--duration 10] [--connections 32]

Writes bench/results/<date>-<commit>-runtime.json and regenerates the
runtime section of docs/performance.md.
"""

import argparse
import datetime
import json
import os
import pathlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
WASMTIME_VERSION = "50.0.1"
HELLO_WASM = ROOT / "target/wasm32-wasip2/release/bench_hello.wasm"
EDGECART = ROOT / "target/release/edgecart"
DOC = ROOT / "docs/performance.md"
START, END = "<!-- runtime-bench:start -->", "<!-- runtime-bench:end -->"


def log(msg):
    print(f"[bench] {msg}", flush=True)


def run(cmd, **kw):
    log(" ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def wasmtime_binary():
    found = shutil.which("wasmtime")
    if found:
        out = subprocess.run([found, "--version"], capture_output=True, text=True).stdout
        if out.split()[1:2] == [WASMTIME_VERSION]:
            return found
    run(["cargo", "install", "--locked", f"wasmtime-cli@{WASMTIME_VERSION}"])
    return str(pathlib.Path.home() / ".cargo/bin/wasmtime")


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0:
        run(["apt-get", "update", "-qq"])
        run(["apt-get", "install", "-y", "-qq", "wrk"])
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install wrk")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{url} did not answer within {timeout}s")


def to_ms(value):
    m = re.match(r"([\d.]+)(us|ms|s)", value)
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000}[unit]


def wrk(url, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50_ms": to_ms(lat["50"]), "p99_ms": to_ms(lat["99"]), "errors": errors, "requests": total}


def metric(text, name, component="hello"):
    m = re.search(rf'^{name}{{component="{component}"}} ([\d.e+-]+)', text, re.M)
    return float(m.group(1)) if m else 0.0


def serve_edgecart(port, data_dir):
    admin = free_port()
    proc = subprocess.Popen(
        [EDGECART, "up", "--from", ROOT / "bench/hello.toml", "--listen", f"127.0.0.1:{port}",
         "--admin-listen", f"127.0.0.1:{admin}", "--data-dir", data_dir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        env={**os.environ, "RUST_LOG": "warn"},
    )
    return proc, admin


def serve_wasmtime(binary, port):
    proc = subprocess.Popen(
        [binary, "serve", "-Scli", "--addr", f"127.0.0.1:{port}", HELLO_WASM],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    return proc, None


def measure(start):
    """Starts a server with `start(port)`, warms it up, then measures it."""
    port = free_port()
    t0 = time.time()
    proc, admin = start(port)
    url = f"http://127.0.0.1:{port}/"
    wait_ready(url, proc)
    startup_ms = (time.time() - t0) * 1000
    try:
        wrk(url, 2, args_global.connections)
        before = urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics").read().decode() if admin else ""
        result = wrk(url, args_global.duration, args_global.connections)
        if admin:
            after = urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics").read().decode()
            inst_s = metric(after, "edgecart_instantiation_duration_seconds_sum") - metric(before, "edgecart_instantiation_duration_seconds_sum")
            inst_n = metric(after, "edgecart_instantiation_duration_seconds_count") - metric(before, "edgecart_instantiation_duration_seconds_count")
            result["instantiations"] = inst_n
            result["instantiation_us_mean"] = inst_s / inst_n * 1e6 if inst_n else 0.0
            result["instantiation_us_per_request"] = inst_s / result["requests"] * 1e6
        result["startup_ms"] = startup_ms
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def median_run(runs):
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def render(report):
    e, w = report["edgecart"], report["wasmtime_serve"]
    ratio = lambda a, b: f"{a / b:.2f}×" if b else "n/a"
    rows = [
        ("Requests per second (higher is better)", f"{e['rps']:,.0f}", f"{w['rps']:,.0f}", ratio(e["rps"], w["rps"])),
        ("p50 latency, ms", f"{e['p50_ms']:.2f}", f"{w['p50_ms']:.2f}", ratio(e["p50_ms"], w["p50_ms"])),
        ("p99 latency, ms", f"{e['p99_ms']:.2f}", f"{w['p99_ms']:.2f}", ratio(e["p99_ms"], w["p99_ms"])),
        ("Errors", str(e["errors"]), str(w["errors"]), ""),
        ("Start to first response, ms", f"{e['startup_ms']:.0f}", f"{w['startup_ms']:.0f}", ratio(e["startup_ms"], w["startup_ms"])),
        ("Instantiation, µs per instance (mean)", f"{e['instantiation_us_mean']:.1f}", "not exposed", ""),
        ("Instantiation, µs per request (amortized by reuse)", f"{e['instantiation_us_per_request']:.2f}", "not exposed", ""),
    ]
    lines = [
        START,
        f"Run {report['date']} on commit `{report['commit']}` ({report['machine']}): "
        f"`wrk -t2 -c{report['connections']} -d{report['duration_s']}s` against each runtime, "
        f"{report['rounds']} alternating rounds, median round by throughput shown. "
        f"Both serve `bench/components/hello` (spin-sdk 7, WASI 0.3); wasmtime serve runs with `-Scli`.",
        "",
        "| Figure | edgecart up | wasmtime serve 50 | edgecart / wasmtime |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", f"Raw figures: `{report['file']}`.", END]
    return "\n".join(lines)


def main():
    global args_global
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--connections", type=int, default=32)
    args_global = p.parse_args()

    ensure_wrk()
    run(["cargo", "build", "--release", "--locked", "-p", "edgecart"])
    run(["cargo", "build", "--release", "--locked", "--target", "wasm32-wasip2", "-p", "bench-hello"])
    wasmtime = wasmtime_binary()

    runs = {"edgecart": [], "wasmtime_serve": []}
    with tempfile.TemporaryDirectory() as data_dir:
        for i in range(args_global.rounds):
            log(f"round {i + 1}/{args_global.rounds}")
            runs["edgecart"].append(measure(lambda port: serve_edgecart(port, data_dir)))
            runs["wasmtime_serve"].append(measure(lambda port: serve_wasmtime(wasmtime, port)))
            log(f"  edgecart {runs['edgecart'][-1]['rps']:,.0f} req/s, wasmtime serve {runs['wasmtime_serve'][-1]['rps']:,.0f} req/s")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip() or "unknown"
    date = datetime.date.today().isoformat()
    out = ROOT / f"bench/results/{date}-{commit}-runtime.json"
    report = {
        "date": date,
        "commit": commit,
        "machine": f"{os.cpu_count()} cores",
        "rounds": args_global.rounds,
        "duration_s": args_global.duration,
        "connections": args_global.connections,
        "file": str(out.relative_to(ROOT)),
        "edgecart": median_run(runs["edgecart"]),
        "wasmtime_serve": median_run(runs["wasmtime_serve"]),
        "all_rounds": runs,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    doc = DOC.read_text()
    before, rest = doc.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(before + render(report) + after)
    log(f"wrote {out.relative_to(ROOT)} and updated {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
