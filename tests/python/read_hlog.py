"""Reads an HdrHistogram interval log with HdrHistogram's Python library
(PyPI `hdrhistogram`) and prints, per tag and for all lines together, the
count, min, max and the nearest-rank percentiles, as JSON.

Usage: python read_hlog.py FILE.hlog
Tags are percent-decoded (Verdict writes `GET%20/api/items`)."""

import json
import math
import sys
from urllib.parse import unquote

from hdrh.histogram import HdrHistogram
from hdrh.log import HistogramLogReader

PERCENTILES = {"p50": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0, "p999": 99.9}


def nearest_rank(h, p):
    # The library rounds the target rank to the nearest integer; nearest rank
    # is ceil(p·N), so ask for the percentile whose rounded rank is that.
    n = h.get_total_count()
    rank = max(1, math.ceil(p / 100.0 * n - 1e-9))
    return h.get_value_at_percentile(100.0 * rank / n)


def describe(h):
    out = {
        "count": h.get_total_count(),
        "min": h.get_min_value(),
        "max": h.get_max_value(),
    }
    for k, p in PERCENTILES.items():
        out[k] = nearest_rank(h, p)
    return out


def main(path):
    reference = HdrHistogram(1, 3_600_000_000, 3)
    reader = HistogramLogReader(path, reference)
    tags = {}
    everything = HdrHistogram(1, 3_600_000_000, 3)
    lines = 0
    while True:
        h = reader.get_next_interval_histogram()
        if h is None:
            break
        lines += 1
        tag = unquote(h.get_tag() or "")
        if tag not in tags:
            tags[tag] = HdrHistogram(1, 3_600_000_000, 3)
        tags[tag].add(h)
        everything.add(h)
    reader.close()
    print(json.dumps({
        "lines": lines,
        "all": describe(everything),
        "tags": {t: describe(h) for t, h in tags.items()},
    }))


if __name__ == "__main__":
    main(sys.argv[1])
