// Lighthouse (mobile, its default simulated slow 4G and 4× CPU slowdown) on
// the built page, served from dist/ by an ordinary static host that gzips.
//
//   node tests/e2e/lighthouse.mjs            # prints the scores, checks the floors
//   LH_RUNS=3 node tests/e2e/lighthouse.mjs  # the median of three runs
//
// The floors are what the page is held to; the figures printed are what it
// reached, with the audits that cost the most.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, "../../dist");
const out = path.join(here, "out");
// Categories that must be perfect, and the performance floor reached today.
const PERFECT = ["accessibility", "best-practices", "seo"];
const PERFORMANCE_FLOOR = Number(process.env.LH_PERFORMANCE_FLOOR ?? 0);
const runs = Number(process.env.LH_RUNS ?? 1);

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".gz": "application/gzip",
  ".json": "application/json",
  ".verdict": "application/octet-stream",
};

/** A static host as hosts are: gzip for what compresses, nothing clever. */
function serveGzip(root) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    fs.readFile(file, (err, body) => {
      if (err) return res.writeHead(404).end("not found");
      const ext = path.extname(file);
      const headers = { "content-type": TYPES[ext] ?? "application/octet-stream" };
      if (ext !== ".gz" && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
        body = zlib.gzipSync(body, { level: 6 });
        headers["content-encoding"] = "gzip";
      }
      headers["content-length"] = body.length;
      res.writeHead(200, headers).end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })),
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { server, url } = await serveGzip(dist);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});
const reports = [];
try {
  for (let i = 0; i < runs; i++) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", ...PERFECT],
    });
    reports.push(result.lhr);
  }
} finally {
  await chrome.kill();
  server.close();
}

const score = (lhr, c) => Math.round(lhr.categories[c].score * 100);
const perf = reports.map((r) => score(r, "performance"));
const lhr = reports.find((r) => score(r, "performance") === median(perf));
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, "lighthouse.json"), JSON.stringify(lhr));

const a = lhr.audits;
const kib = (b) => `${Math.round(b / 1024)} KiB`;
console.log(`Lighthouse ${lhr.lighthouseVersion}, mobile, ${runs} run(s): performance ${perf.join(", ")} (median ${median(perf)})`);
for (const c of PERFECT) console.log(`  ${c} ${score(lhr, c)}`);
for (const id of [
  "first-contentful-paint",
  "largest-contentful-paint",
  "total-blocking-time",
  "cumulative-layout-shift",
  "speed-index",
]) {
  console.log(`  ${a[id].title}: ${a[id].displayValue} (score ${Math.round((a[id].score ?? 0) * 100)})`);
}
const requests = a["network-requests"].details.items;
const total = requests.reduce((s, r) => s + (r.transferSize ?? 0), 0);
console.log(`  over the wire: ${kib(total)} in ${requests.length} requests`);
for (const r of requests.sort((x, y) => (y.transferSize ?? 0) - (x.transferSize ?? 0)).slice(0, 6)) {
  console.log(`    ${kib(r.transferSize ?? 0).padStart(9)}  ${r.url.replace(url, "")}`);
}
const longTasks = a["long-tasks"]?.details?.items ?? [];
if (longTasks.length) {
  console.log(`  longest main-thread tasks (simulated): ${longTasks.slice(0, 5).map((t) => `${Math.round(t.duration)} ms`).join(", ")}`);
}

const failures = [];
for (const c of PERFECT) if (score(lhr, c) < 100) failures.push(`${c} ${score(lhr, c)} < 100`);
if (median(perf) < PERFORMANCE_FLOOR) failures.push(`performance ${median(perf)} < ${PERFORMANCE_FLOOR}`);
if (failures.length) {
  console.error(`Lighthouse: ${failures.join("; ")}`);
  process.exit(1);
}
