"""Shared pieces of the benchmark runners: processes, ports, wrk, results."""

import datetime
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs/performance.md"


def log(msg):
    print(f"[bench] {msg}", flush=True)


def run(cmd, **kw):
    log(" ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


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


def wrk(url, duration, connections, script=None, headers=None):
    extra = ["-s", str(script)] if script else []
    for name, value in (headers or {}).items():
        extra += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50_ms": to_ms(lat["50"]), "p99_ms": to_ms(lat["99"]), "errors": errors, "requests": total}



def median_run(runs):
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def stop(proc):
    proc.terminate()
    proc.wait(timeout=30)


def result_file(kind):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip() or "unknown"
    date = datetime.date.today().isoformat()
    return date, commit, ROOT / f"bench/results/{date}-{commit}-{kind}.json"


def write_results(path, report, marker, table):
    """Writes the JSON report and replaces the marked section of docs/performance.md."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    doc = DOC.read_text()
    before, rest = doc.split(start, 1)
    _, after = rest.split(end, 1)
    DOC.write_text(before + start + "\n" + table + "\n" + end + after)
    log(f"wrote {path.relative_to(ROOT)} and updated {DOC.relative_to(ROOT)}")
