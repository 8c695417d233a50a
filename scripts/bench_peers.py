#!/usr/bin/env python3
"""The benchmark's peers: the per-label figures `verdict summary` gives
(requests, p95, failures), computed by DuckDB and by pandas from the same
file. Prints them as JSON, {label: [requests, p95_ms, failures]}.

usage: bench_peers.py duckdb-jmeter FILE   (DuckDB, 2 threads)
       bench_peers.py pandas-jmeter FILE
       bench_peers.py duckdb-k6 FILE       (k6 NDJSON: http_req_duration by name)

p95 is the nearest-rank value (the smallest value with at least 95 % of the
requests at or below it) in all three: DuckDB's quantile_disc, numpy's
percentile(method="inverted_cdf") in pandas' groupby, and Verdict's HDR
histogram (to its 3 significant digits).
"""
import json
import sys
import time


def duckdb_jmeter(path):
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    rows = con.execute(
        """SELECT label, count(*), quantile_disc(elapsed, 0.95),
                  count(*) FILTER (WHERE NOT success)
           FROM read_csv(?, header = true) GROUP BY label""",
        [path],
    ).fetchall()
    return {r[0]: [r[1], float(r[2]), r[3]] for r in rows}


def pandas_jmeter(path):
    import numpy as np
    import pandas as pd

    df = pd.read_csv(path, usecols=["label", "elapsed", "success"])
    g = df.groupby("label")
    out = g.agg(
        requests=("elapsed", "size"),
        p95=("elapsed", lambda s: np.percentile(s.to_numpy(), 95, method="inverted_cdf")),
        failures=("success", lambda s: int((~s.astype(bool)).sum())),
    )
    return {k: [int(r.requests), float(r.p95), int(r.failures)] for k, r in out.iterrows()}


def duckdb_k6(path):
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    rows = con.execute(
        """SELECT data.tags.name,
                  count(*) FILTER (WHERE metric = 'http_req_duration'),
                  quantile_disc(data.value, 0.95) FILTER (WHERE metric = 'http_req_duration'),
                  sum(data.value) FILTER (WHERE metric = 'http_req_failed')
           FROM read_ndjson(?, columns = {
               type: 'VARCHAR', metric: 'VARCHAR',
               data: 'STRUCT(value DOUBLE, tags STRUCT(name VARCHAR))'})
           WHERE type = 'Point' AND metric IN ('http_req_duration', 'http_req_failed')
           GROUP BY 1""",
        [path],
    ).fetchall()
    return {r[0]: [r[1], float(r[2]), int(r[3] or 0)] for r in rows}


if __name__ == "__main__":
    modes = {"duckdb-jmeter": duckdb_jmeter, "pandas-jmeter": pandas_jmeter, "duckdb-k6": duckdb_k6}
    if len(sys.argv) != 3 or sys.argv[1] not in modes:
        sys.exit(f"usage: bench_peers.py {{{','.join(modes)}}} FILE")
    mode, path = sys.argv[1:]
    # Import first, so `seconds` is the query alone (the process time includes Python's start).
    __import__(mode.split("-")[0])
    if mode == "pandas-jmeter":
        import numpy  # noqa: F401
    t = time.perf_counter()
    labels = modes[mode](path)
    json.dump({"labels": labels, "seconds": time.perf_counter() - t}, sys.stdout)
