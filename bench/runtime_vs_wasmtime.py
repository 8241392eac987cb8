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
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

from benchlib import ROOT, ensure_toolchain, ensure_wrk, free_port, log, median_latency, median_run, ratio, result_file, run, stop, wait_ready, wrk, write_results

WASMTIME_VERSION = "50.0.1"
HELLO_WASM = ROOT / "target/wasm32-wasip2/release/bench_hello.wasm"
EDGECART = ROOT / "target/release/edgecart"


def wasmtime_binary():
    found = shutil.which("wasmtime")
    if found:
        out = subprocess.run([found, "--version"], capture_output=True, text=True).stdout
        if out.split()[1:2] == [WASMTIME_VERSION]:
            return found
    run(["cargo", "install", "--locked", f"wasmtime-cli@{WASMTIME_VERSION}"])
    return str(pathlib.Path.home() / ".cargo/bin/wasmtime")


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


def spin_headers(port):
    """The request headers edgecart adds for this route (Spin's), which wasmtime
    serve does not: wrk sends them to wasmtime serve so that both guests parse the
    same request."""
    return {
        "spin-full-url": f"http://127.0.0.1:{port}/",
        "spin-path-info": "/",
        "spin-matched-route": "/...",
        "spin-component-route": "",
        "spin-raw-component-route": "/...",
        "spin-base-path": "/",
        "spin-client-addr": "127.0.0.1:40000",
    }


def serve_wasmtime(binary, port):
    proc = subprocess.Popen(
        [binary, "serve", "-Scli", "--addr", f"127.0.0.1:{port}", HELLO_WASM],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    return proc, None


def measure(start, extra_headers=False):
    """Starts a server with `start(port)`, warms it up, then measures it."""
    port = free_port()
    t0 = time.time()
    proc, admin = start(port)
    headers = spin_headers(port) if extra_headers else {}
    url = f"http://127.0.0.1:{port}/"
    wait_ready(url, proc)
    startup_ms = (time.time() - t0) * 1000
    try:
        wrk(url, 2, args_global.connections, headers=headers)
        before = urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics").read().decode() if admin else ""
        result = wrk(url, args_global.duration, args_global.connections, headers=headers)
        if admin:
            after = urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics").read().decode()
            inst_s = metric(after, "edgecart_instantiation_duration_seconds_sum") - metric(before, "edgecart_instantiation_duration_seconds_sum")
            inst_n = metric(after, "edgecart_instantiation_duration_seconds_count") - metric(before, "edgecart_instantiation_duration_seconds_count")
            result["instantiations"] = inst_n
            result["instantiation_us_mean"] = inst_s / inst_n * 1e6 if inst_n else 0.0
            result["instantiation_us_per_request"] = inst_s / result["requests"] * 1e6
        result["startup_ms"] = startup_ms
        result["single"] = wrk(url, args_global.duration, 1, headers=headers)
        return result
    finally:
        stop(proc)


def render(report):
    e, w = report["edgecart"], report["wasmtime_serve"]
    rows = [
        ("Requests per second (higher is better)", f"{e['rps']:,.0f}", f"{w['rps']:,.0f}", ratio(e["rps"], w["rps"])),
        ("p50 latency, ms", f"{e['p50_ms']:.2f}", f"{w['p50_ms']:.2f}", ratio(e["p50_ms"], w["p50_ms"])),
        ("p99 latency, ms", f"{e['p99_ms']:.2f}", f"{w['p99_ms']:.2f}", ratio(e["p99_ms"], w["p99_ms"])),
        ("Errors", str(e["errors"]), str(w["errors"]), ""),
    ]
    if "edgecart_single" in report:
        es, ws = report["edgecart_single"], report["wasmtime_serve_single"]
        rows += [
            ("p50 latency, one connection, ms", f"{es['p50_ms']:.3f}", f"{ws['p50_ms']:.3f}", ratio(es["p50_ms"], ws["p50_ms"])),
            ("p99 latency, one connection, ms", f"{es['p99_ms']:.3f}", f"{ws['p99_ms']:.3f}", ratio(es["p99_ms"], ws["p99_ms"])),
            ("Errors, one connection", str(es["errors"]), str(ws["errors"]), ""),
        ]
    rows += [
        ("Start to first response, ms", f"{e['startup_ms']:.0f}", f"{w['startup_ms']:.0f}", ratio(e["startup_ms"], w["startup_ms"])),
        ("Instantiation, µs per instance (mean)", f"{e['instantiation_us_mean']:.1f}", "not exposed", ""),
        ("Instantiation, µs per request (amortized by reuse)", f"{e['instantiation_us_per_request']:.2f}", "not exposed", ""),
    ]
    single = "; then `wrk -t1 -c1` for a request's own latency, median round by p50" if "edgecart_single" in report else ""
    lines = [
        f"Run {report['date']} on commit `{report['commit']}` ({report['machine']}): "
        f"`wrk -t2 -c{report['connections']} -d{report['duration_s']}s` against each runtime, "
        f"{report['rounds']} alternating rounds, median round by throughput shown{single}. "
        f"Both serve `bench/components/hello` (spin-sdk 7, WASI 0.3); wasmtime serve runs with `-Scli`. "
        "edgecart adds Spin's seven `spin-*` request headers, which wasmtime serve does not, so wrk sends "
        "the same seven headers to wasmtime serve: both guests parse the same request (without them "
        "wasmtime serve's guest does about a quarter less work per request).",
        "",
        "| Figure | edgecart up | wasmtime serve 50 | edgecart / wasmtime |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", f"Raw figures: `{report['file']}`."]
    return "\n".join(lines)


def main():
    global args_global
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--connections", type=int, default=32)
    args_global = p.parse_args()

    ensure_wrk()
    ensure_toolchain()
    run(["cargo", "build", "--release", "--locked", "-p", "edgecart"])
    run(["cargo", "build", "--release", "--locked", "--target", "wasm32-wasip2", "-p", "bench-hello"])
    wasmtime = wasmtime_binary()

    runs = {"edgecart": [], "wasmtime_serve": []}
    with tempfile.TemporaryDirectory() as data_dir:
        for i in range(args_global.rounds):
            log(f"round {i + 1}/{args_global.rounds}")
            runs["edgecart"].append(measure(lambda port: serve_edgecart(port, data_dir)))
            runs["wasmtime_serve"].append(measure(lambda port: serve_wasmtime(wasmtime, port), extra_headers=True))
            log(f"  edgecart {runs['edgecart'][-1]['rps']:,.0f} req/s, wasmtime serve {runs['wasmtime_serve'][-1]['rps']:,.0f} req/s")

    date, commit, out = result_file("runtime")
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
        "edgecart_single": median_latency([r["single"] for r in runs["edgecart"]]),
        "wasmtime_serve_single": median_latency([r["single"] for r in runs["wasmtime_serve"]]),
        "all_rounds": runs,
    }
    write_results(out, report, "runtime-bench", render(report))

if __name__ == "__main__":
    main()
