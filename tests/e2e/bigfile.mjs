// A large k6 NDJSON file made only of real k6 output: the ramping fixture's
// lines, repeated whole. Written to /tmp, never committed.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

/** Writes (or reuses) a file of at least `minBytes`; returns { file, copies, size }. */
export function bigK6File(fixtures, dir, minBytes) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "big-k6.json");
  const source = zlib.gunzipSync(fs.readFileSync(path.join(fixtures, "k6/ramping/run.json.gz")));
  const copies = Math.ceil(minBytes / source.length);
  if (!fs.existsSync(file) || fs.statSync(file).size !== copies * source.length) {
    const fd = fs.openSync(file, "w");
    for (let i = 0; i < copies; i++) fs.writeSync(fd, source);
    fs.closeSync(fd);
  }
  return { file, copies, size: copies * source.length };
}
