"""Runs a DuckDB query over `verdict export --rows` output and prints the
result rows as JSON (a list of objects).

Usage: python duckdb_query.py QUERY.sql ROWS.ndjson
The query names its input 'rows.ndjson', as in the README; it is pointed at
ROWS.ndjson."""

import json
import sys

import duckdb


def main(query_path, rows_path):
    with open(query_path, encoding="utf-8") as f:
        query = f.read().replace("'rows.ndjson'", "'" + rows_path.replace("'", "''") + "'")
    con = duckdb.connect()
    cur = con.execute(query)
    names = [d[0] for d in cur.description]
    print(json.dumps([dict(zip(names, row)) for row in cur.fetchall()], default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
