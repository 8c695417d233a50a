#!/usr/bin/env python3
"""Benchmark inputs built from real files: the records of a real run, repeated
back to back, each copy shifted in time by the run's span (plus a second), so
timestamps keep advancing as in a long test and every row stays valid for its
tool's format.

usage: bench_inputs.py FORMAT OUT TARGET_MB

FORMAT: jmeter-csv, jmeter-xml, hey-csv, k6-csv, vegeta-csv, gatling-log
(k6 NDJSON is written by crates/core/examples/make_k6_ndjson.rs).
"""
import gzip
import re
import sys
from pathlib import Path

FIX = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def read(path):
    data = gzip.open(path, "rb").read() if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8")


# Per format: the real file, how many leading lines are a header written once,
# the closing text written once, the pattern of every time stamp (group 1 is the
# number) and how many of its units make one second.
SOURCES = {
    # JMeter 2.13, 40 threads, 7 samplers, CSV with header (tests/fixtures/jmeter/README.md).
    "jmeter-csv": ("jmeter/real/results.jtl", 1, "", r"^(\d{13}),", 1000),
    # JMeter 2.13 XML with Transaction Controllers and redirect sub-results.
    "jmeter-xml": ("jmeter/real_tx/tx.xml", 2, "</testResults>\n", r' ts="(\d{13})"', 1000),
    # hey 0.1.4 -o csv, 50 workers; offset = seconds since the test start.
    "hey-csv": ("hey/c50/run.csv", 1, "", r",(\d+\.\d{4})$", 1),
    # k6 --out csv of a ramping run; timestamp in unix seconds.
    "k6-csv": ("k6/ramping/run.csv.gz", 1, "", r"^[a-z_]+,(\d{10}),", 1),
    # Vegeta encode --to csv (Taurus); unix ns; rows carry Vegeta's base64 response body.
    "vegeta-csv": ("vegeta/taurus-vegeta_kpi.csv", 0, "", r"^(\d{19}),", 10**9),
    # Gatling 3.5.1 text simulation.log (3.4+ layout): USER and REQUEST ms stamps.
    "gatling-log": ("gatling/gatling-351-000.simulation.log", 1, "", r"\t(\d{13})(?=\t|$)", 1000),
}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in SOURCES:
        sys.exit(f"usage: bench_inputs.py {{{','.join(SOURCES)}}} OUT TARGET_MB")
    fmt, out, target_mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
    source, head_lines, tail, pattern, per_second = SOURCES[fmt]
    lines = read(FIX / source).splitlines(keepends=True)
    head, body = "".join(lines[:head_lines]), "".join(lines[head_lines:])
    if tail and body.rstrip().endswith(tail.strip()):
        body = body.rstrip()[: -len(tail.strip())]
    if not body.endswith("\n"):  # a source whose last line has no newline
        body += "\n"
    stamp = re.compile(pattern, re.M)
    decimals = len(stamp.search(body).group(1).partition(".")[2])
    times = [float(m.group(1)) for m in stamp.finditer(body)]
    span = max(times) - min(times) + per_second
    target = int(target_mb * (1 << 20))
    written = 0
    with open(out, "w", encoding="utf-8", newline="") as w:
        w.write(head)
        copy = 0
        while written < target:
            shift = copy * span

            def shifted(m, shift=shift):
                t = float(m.group(1)) + shift if decimals else int(m.group(1)) + int(shift)
                value = f"{t:.{decimals}f}" if decimals else str(t)
                return m.group(0).replace(m.group(1), value, 1)

            text = stamp.sub(shifted, body) if copy else body
            if not tail and written + len(text) > target:
                # Stop at the target on a line boundary (a closed document is kept whole).
                text = text[: text.rfind("\n", 0, target - written) + 1]
                if not text:
                    break
            w.write(text)
            written += len(text)
            copy += 1
        w.write(tail)
    print(f"wrote {out}: {written >> 20} MB, {copy} copies of {source}", file=sys.stderr)


if __name__ == "__main__":
    main()
