#!/usr/bin/env python3
"""The ingest benchmark's measurements and table (run by scripts/bench.sh,
which builds the binaries and the inputs first).

For each input: `verdict summary --json` wall time (best of 3), MB/s,
requests/s, peak RSS of the child (ru_maxrss from wait4), and instructions per
request (callgrind's total Ir on a ~9 MB slice of the same rows, divided by the
slice's requests); `wc -l` on every file; DuckDB (2 threads) and pandas on the
JMeter CSV and DuckDB on the k6 NDJSON, computing the same per-label figures,
which are checked against Verdict's.

usage: bench.py VERDICT PYTHON DIR SPEC...   SPEC = format:file:slice[:flag...]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

RUNS = 3


GNU_TIME = "/usr/bin/time"


def measure(cmd):
    """Best-of-3 wall seconds, the largest peak RSS (MB), and each run's stdout."""
    best, peak, outs = float("inf"), 0.0, []
    # GNU time forks the command from a small process: a child forked from this
    # Python would count Python's own pages in its ru_maxrss until it execs.
    timed = os.access(GNU_TIME, os.X_OK)
    for _ in range(RUNS):
        with tempfile.TemporaryFile() as f, tempfile.NamedTemporaryFile("r") as rss:
            full = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if timed else cmd
            t = time.perf_counter()
            p = subprocess.Popen(full, stdout=f, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(p.pid, 0)
            dt = time.perf_counter() - t
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}")
            kb = int(rss.read().split()[-1]) if timed else usage.ru_maxrss
            f.seek(0)
            outs.append(f.read())
        best, peak = min(best, dt), max(peak, kb / 1024)
    return best, peak, outs


def instructions(cmd):
    """Total instructions executed (callgrind's Ir), every thread included."""
    r = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    m = re.search(r"Collected : (\d+)", r.stderr)
    return int(m.group(1)) if m else None


def by_label(summary):
    return {
        e["name"]: [e["requests"], e["latency_ms"]["p95"], e["errors"]]
        for e in summary["endpoints"]
    }


def agreement(verdict, peer):
    """Counts and failures equal, p95 within 1 % (HDR's 3 significant digits)."""
    diffs = []
    for label, (n, p95, fail) in sorted(peer.items()):
        v = verdict.get(label)
        if v is None:
            diffs.append(f"{label}: not in Verdict's endpoints")
        elif v[0] != n or v[2] != fail or abs(v[1] - p95) > 0.01 * max(p95, 1.0):
            diffs.append(f"{label}: Verdict {v}, peer {[n, p95, fail]}")
    extra = set(verdict) - set(peer)
    if extra:
        diffs.append(f"only in Verdict: {sorted(extra)}")
    return diffs


def main():
    verdict, python, _dir, *specs = sys.argv[1:]
    have_valgrind = subprocess.run(["which", "valgrind"], capture_output=True).returncode == 0
    rows, notes = [], []
    peers_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_peers.py")
    for spec in specs:
        fmt, path, slice_path, *flags = spec.split(":")
        mb = os.path.getsize(path) / 1e6
        # One thread for the per-core figures; --threads 2 is its own row.
        cmd = [verdict, "summary", "--json", "--threads", "1", *flags]
        t, peak, out = measure([*cmd, path])
        t2, peak2, _ = measure([verdict, "summary", "--json", "--threads", "2", *flags, path])
        summary = json.loads(out[-1])["runs"][0]
        requests = summary["requests"] or 0
        ipr = None
        if have_valgrind:
            slice_requests = json.loads(subprocess.run(
                [*cmd, slice_path], capture_output=True, check=True).stdout)["runs"][0]["requests"]
            ir = instructions([*cmd, slice_path])
            ipr = ir / slice_requests if ir and slice_requests else None
        wc_t, wc_peak, _ = measure(["wc", "-l", path])
        rows.append((fmt, mb, requests, "verdict summary", t, ipr, peak, t))
        rows.append((fmt, mb, requests, "verdict summary --threads 2", t2, None, peak2, t))
        rows.append((fmt, mb, requests, "wc -l", wc_t, None, wc_peak, t))
        peers = []
        if fmt == "jmeter-csv":
            peers = [("DuckDB (2 threads)", "duckdb-jmeter"), ("pandas", "pandas-jmeter")]
        elif fmt == "k6-ndjson":
            peers = [("DuckDB (2 threads)", "duckdb-k6")]
        for name, mode in peers:
            pt, ppeak, pout = measure([python, peers_script, mode, path])
            rows.append((fmt, mb, requests, name, pt, None, ppeak, t))
            peer = json.loads(pout[-1])
            query = min(json.loads(o)["seconds"] for o in pout)
            diffs = agreement(by_label(summary), peer["labels"])
            notes.append(f"{name} on {fmt}: per-label requests, p95, failures "
                         + ("agree with Verdict's" if not diffs else "differ: " + "; ".join(diffs))
                         + f"; its query alone, without starting Python and importing "
                         f"{mode.split('-')[0]}: {query:.3f} s "
                         f"({query / t:.2f}x Verdict's time)")
        if fmt == "k6-ndjson":
            notes.append(f"k6 NDJSON: Verdict takes {t / wc_t:.2f}x the time of wc -l (goal: within 2x)")
        if fmt == "jmeter-csv":
            duck = next(r[4] for r in rows if r[0] == fmt and r[3].startswith("DuckDB"))
            notes.append(f"JMeter CSV: Verdict is {duck / t:.2f}x as fast as DuckDB (2 threads) (goal: 3x)")

    for module in ("duckdb", "pandas"):
        t0, _, _ = measure([python, "-c", f"import {module}"])
        notes.append(f"starting Python and importing {module}: {t0:.3f} s (in its row's time)")

    print("| format | MB | requests | tool | time (s) | MB/s | requests/s "
          "| instructions/request | peak RSS (MB) | time ÷ Verdict's |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for fmt, mb, requests, tool, t, ipr, peak, vt in rows:
        print(f"| {fmt} | {mb:.0f} | {requests:,} | {tool} | {t:.3f} | {mb / t:,.0f} "
              f"| {requests / t:,.0f} | {f'{ipr:,.0f}' if ipr else '—'} | {peak:.0f} "
              f"| {t / vt:.2f} |")
    print()
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
