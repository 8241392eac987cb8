#!/usr/bin/env python3
"""Side-by-side benchmark: a point read by primary key through a component on
`edgecart up` against the same query in a native axum handler (bench/native), on
the same libSQL file with 10,000 products, and the same request answered by
each without reading anything (`/no-read/<id>`): the least a request costs.

    python3 bench/sqlite_point_read.py [--rounds 3] [--duration 10] [--connections 32]

Writes bench/results/<date>-<commit>-sqlite.json and regenerates the sqlite
section of docs/performance.md. Target: component p50 within 1.3x of native.

When a libSQL server is available (EDGECART_SQLD=/path/to/sqld, or sqld on
PATH), the same component is also measured with the database on that server,
read through an embedded replica and remotely over HTTP.
"""

import argparse
import json
import re
import os
import shutil
import socket
import subprocess
import tempfile
import time

from benchlib import DOC, ROOT, ensure_toolchain, ensure_wrk, free_port, log, median_latency, median_run, ratio, result_file, run, stop, wait_ready, wrk, write_results

EDGECART = ROOT / "target/release/edgecart"
NATIVE = ROOT / "target/release/bench-native"
SCRIPT = ROOT / "bench/random-product.lua"


def serve_edgecart(port, data_dir, seed, config=None):
    args = [EDGECART, "up", "--from", ROOT / "bench/catalog.toml", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir]
    if seed:
        args += ["--sqlite", f"catalog:@{ROOT / 'bench/seed-catalog.sql'}"]
    if config:
        args += ["--runtime-config-file", config]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "RUST_LOG": "warn"})


def find_sqld():
    return os.environ.get("EDGECART_SQLD") or shutil.which("sqld")


def start_sqld(sqld, directory):
    """A libSQL primary on a free port; returns (process, url)."""
    port = free_port()
    proc = subprocess.Popen([sqld, "--http-listen-addr", f"127.0.0.1:{port}", "--db-path", os.path.join(directory, "primary.sqld")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                stop(proc)
                raise SystemExit(f"{sqld} did not start")
            time.sleep(0.1)


def server_runs(sqld, args):
    """The component with `catalog` on a sqld primary holding the same rows:
    through an embedded replica (edgecart's extension) and remotely (as Spin)."""
    runs = {"remote": [], "replica": []}
    with tempfile.TemporaryDirectory() as directory:
        server, url = start_sqld(sqld, directory)
        try:
            configs = {}
            for mode in runs:
                configs[mode] = os.path.join(directory, f"{mode}.toml")
                extra = f'replica_path = "{directory}/replica/catalog.db"\nsync_interval = 1\n' if mode == "replica" else ""
                with open(configs[mode], "w") as f:
                    f.write(f'[sqlite_database.catalog]\ntype = "libsql"\nurl = "{url}"\n{extra}')
            seeded = False
            for i in range(args.rounds):
                for mode in runs:
                    data_dir = os.path.join(directory, f"data-{mode}-{i}")
                    runs[mode].append(measure(lambda port: serve_edgecart(port, data_dir, not seeded, configs[mode]), args))
                    seeded = True
                log(f"  sqld round {i + 1}: remote {runs['remote'][-1]['rps']:,.0f} req/s, replica {runs['replica'][-1]['rps']:,.0f} req/s")
        finally:
            stop(server)
    return {mode: {**median_run(r), "single": median_latency([x["single"] for x in r])} for mode, r in runs.items()}


def serve_native(port, data_dir):
    return subprocess.Popen([NATIVE, os.path.join(data_dir, "sqlite", "catalog.db"), f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)


def measure(start, args, prefix="/product/"):
    """Saturated by `args.connections` connections (throughput; latency there is
    mostly queueing), then one connection at a time (a request's own latency).
    `prefix` is the requests' path before the random id."""
    port = free_port()
    proc = start(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}{prefix}1", proc)
        wrk(url, 2, args.connections, SCRIPT, script_args=[prefix])
        saturated = wrk(url, args.duration, args.connections, SCRIPT, script_args=[prefix])
        single = wrk(url, args.duration, 1, SCRIPT, script_args=[prefix])
        return {**saturated, "single": single}
    finally:
        stop(proc)


def render(report):
    c, n = report["component"], report["native"]
    cs, ns = report["component_single"], report["native_single"]
    k = report["connections"]
    rows = [
        (f"Requests per second, {k} connections (higher is better)", f"{c['rps']:,.0f}", f"{n['rps']:,.0f}", ratio(c["rps"], n["rps"])),
        (f"p50 latency at {k} connections, ms", f"{c['p50_ms']:.2f}", f"{n['p50_ms']:.2f}", ratio(c["p50_ms"], n["p50_ms"])),
        (f"p99 latency at {k} connections, ms", f"{c['p99_ms']:.2f}", f"{n['p99_ms']:.2f}", ratio(c["p99_ms"], n["p99_ms"])),
        ("p50 latency, one connection, ms", f"{cs['p50_ms']:.3f}", f"{ns['p50_ms']:.3f}", ratio(cs["p50_ms"], ns["p50_ms"])),
        ("p99 latency, one connection, ms", f"{cs['p99_ms']:.3f}", f"{ns['p99_ms']:.3f}", ratio(cs["p99_ms"], ns["p99_ms"])),
        ("Errors", str(c["errors"] + cs["errors"]), str(n["errors"] + ns["errors"]), ""),
    ]
    lines = [
        f"Run {report['date']} on commit `{report['commit']}` ({report['machine']}): "
        f"`GET /product/<random id>` over 10,000 rows, `wrk -t2 -c{report['connections']} -d{report['duration_s']}s`, "
        f"then `wrk -t1 -c1` for a request's own latency without queueing; "
        f"{report['rounds']} alternating rounds, median round by throughput (by p50 for one connection) shown.",
        "",
        "| Figure | component on edgecart | native axum | component / native |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {a} | {b} | {c_} | {d} |" for a, b, c_, d in rows]
    if "no_read" in report:
        lines += ["", *render_no_read(report)]
    # Without a server here, the last run that had one is shown, with its own
    # local-file figures to compare against: a rerun never drops them.
    measured = report if report.get("servers") else last_server_run()
    if measured:
        mc, ms = measured["component"], measured["component_single"]
        lines += [
            "",
            f"The same component with `catalog` on a libSQL server (`sqld`, {measured['rounds']} rounds each), "
            + ("against the local file above:" if measured is report else
               f"from the last run that had one (`{measured['file']}`, commit `{measured['commit']}`; "
               "no server was available for this one), against that run's local file:"),
            "",
            "| Where the rows are | Requests per second, {k} connections | p50, one connection, ms | p99, one connection, ms |".format(k=measured["connections"]),
            "|---|---:|---:|---:|",
            f"| Local libSQL file | {mc['rps']:,.0f} | {ms['p50_ms']:.3f} | {ms['p99_ms']:.3f} |",
        ]
        for mode, label in [("replica", "Embedded replica of `sqld`"), ("remote", "Remote `sqld` over HTTP (as Spin)")]:
            r = measured["servers"][mode]
            lines.append(f"| {label} | {r['rps']:,.0f} | {r['single']['p50_ms']:.3f} | {r['single']['p99_ms']:.3f} |")
    else:
        lines += ["", "No libSQL server (`sqld`) was available, so the replica and remote rows were skipped."]
    lines += ["", f"Raw figures: `{report['file']}`."]
    return "\n".join(lines)


def render_no_read(report):
    """The same request answered without reading (`/no-read/<id>`) beside the
    point read: the least a request through a component costs, and so the best
    ratio against native any work on the read can reach."""
    cs, ns = report["component_single"], report["native_single"]
    f = report["no_read"]
    cf, nf = f["component_single"], f["native_single"]
    rows = [
        ("The point read", cs["p50_ms"], ns["p50_ms"]),
        ("The same request answered without reading (`GET /no-read/<id>`)", cf["p50_ms"], nf["p50_ms"]),
        ("The read itself: the difference, median over the rounds", *f["read_p50_ms"]),
    ]
    return [
        "Where a request's time goes, one connection (p50, ms; the median round, "
        "and for the difference the median of each round's difference):",
        "",
        "| Request | component on edgecart | native axum | component / native |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {c:.3f} | {n:.3f} | {ratio(c, n)} |" for name, c, n in rows),
        "",
        f"A request through the component that reads nothing takes {ratio(cf['p50_ms'], ns['p50_ms'])} "
        f"the time of native's whole point read one request at a time, and answers {ratio(f['component']['rps'], report['native']['rps'])} "
        f"as many requests per second at {report['connections']} connections "
        f"({f['component']['rps']:,.0f} req/s): no work on the read path can bring the point read below that, "
        "against the target of 1.3× the latency.",
    ]


def last_server_run():
    """The run with a libSQL server that docs/performance.md shows now (its own
    or carried over), with its file; None if it shows none."""
    doc = DOC.read_text()
    section = doc.split("<!-- sqlite-bench:start -->", 1)[-1].split("<!-- sqlite-bench:end -->", 1)[0]
    for name in re.findall(r"`(bench/results/[^`]+-sqlite\.json)`", section):
        path = ROOT / name
        if path.exists():
            report = json.loads(path.read_text())
            if report.get("servers"):
                return {**report, "file": name}
    return None


def no_read_figures(runs):
    """The no-read runs' medians, and the read's own share of one request: each
    round's point read less the same round's request that reads nothing."""
    def read_p50(side):
        differences = sorted(r["single"]["p50_ms"] - f["single"]["p50_ms"]
                             for r, f in zip(runs[side], runs[f"{side}_no_read"]))
        return round(differences[len(differences) // 2], 4)

    return {
        "component": median_run(runs["component_no_read"]),
        "native": median_run(runs["native_no_read"]),
        "component_single": median_latency([r["single"] for r in runs["component_no_read"]]),
        "native_single": median_latency([r["single"] for r in runs["native_no_read"]]),
        "read_p50_ms": [read_p50("component"), read_p50("native")],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--connections", type=int, default=32)
    args = p.parse_args()

    ensure_wrk()
    ensure_toolchain()
    run(["cargo", "build", "--release", "--locked", "-p", "edgecart", "-p", "bench-native"])
    run(["cargo", "build", "--release", "--locked", "--target", "wasm32-wasip2", "-p", "bench-catalog-read"])

    runs = {"component": [], "native": [], "component_no_read": [], "native_no_read": []}
    with tempfile.TemporaryDirectory() as data_dir:
        seeded = False
        for i in range(args.rounds):
            log(f"round {i + 1}/{args.rounds}")
            runs["component"].append(measure(lambda port: serve_edgecart(port, data_dir, not seeded), args))
            seeded = True
            runs["native"].append(measure(lambda port: serve_native(port, data_dir), args))
            runs["component_no_read"].append(measure(lambda port: serve_edgecart(port, data_dir, False), args, "/no-read/"))
            runs["native_no_read"].append(measure(lambda port: serve_native(port, data_dir), args, "/no-read/"))
            log(f"  component {runs['component'][-1]['rps']:,.0f} req/s, native {runs['native'][-1]['rps']:,.0f} req/s; "
                f"reading nothing: component {runs['component_no_read'][-1]['rps']:,.0f} req/s, "
                f"native {runs['native_no_read'][-1]['rps']:,.0f} req/s")

    sqld = find_sqld()
    if sqld:
        log(f"libSQL server: {sqld}")
        servers = server_runs(sqld, args)
    else:
        log("no libSQL server (set EDGECART_SQLD=/path/to/sqld or put sqld on PATH): skipping the replica and remote runs")
        servers = None

    date, commit, out = result_file("sqlite")
    report = {
        "date": date,
        "commit": commit,
        "machine": f"{os.cpu_count()} cores",
        "rounds": args.rounds,
        "duration_s": args.duration,
        "connections": args.connections,
        "file": str(out.relative_to(ROOT)),
        "component": median_run(runs["component"]),
        "native": median_run(runs["native"]),
        "component_single": median_latency([r["single"] for r in runs["component"]]),
        "native_single": median_latency([r["single"] for r in runs["native"]]),
        "no_read": no_read_figures(runs),
        "all_rounds": runs,
        "servers": servers,
    }
    write_results(out, report, "sqlite-bench", render(report))


if __name__ == "__main__":
    main()
