// Browser ingest benchmark (not a test): the Wasm worker against a plain
// JavaScript worker doing JSON.parse per line, on the same generated k6 file
// of ~340 MB, in the same Chromium. Run with `bash scripts/bench-web.sh`.
//
// MB/s are input megabytes (10^6 bytes) per second of wall time from handing
// the File over to the final answer. Memory is the peak resident size of the
// page's renderer process (which hosts its dedicated workers) above its size
// before the run, sampled every 100 ms from /proc.

import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { bigK6File } from "./bigfile.mjs";
import { withRendererMemory } from "./renderer-memory.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const big = bigK6File(path.join(ROOT, "tests/fixtures"), process.env.BENCH_DIR ?? "/tmp/verdict-e2e", Number(process.env.BENCH_MB ?? 300) * 1e6);
const mb = big.size / 1e6;

const measure = withRendererMemory;

const server = await serve(path.join(ROOT, "dist"), "/verdict/", {
  "bench-json-worker.js": path.join(HERE, "bench/json-parse-worker.js"),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

console.log(`file: ${big.file}, ${mb.toFixed(1)} MB (${big.copies} × the k6 ramping run), ${ROUNDS} rounds each`);
const rows = [];
for (let round = 1; round <= ROUNDS; round++) {
  // A fresh page per round, so neither side inherits the other's memory.
  for (const which of ["wasm", "js"]) {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('article.entry[data-state="done"]');
    await page.evaluate(() => {
      const input = document.createElement("input");
      input.type = "file";
      input.id = "bench-input";
      document.body.append(input);
    });
    const r = await measure(async () => {
      if (which === "wasm") {
        await page.setInputFiles("#file-input", big.file);
        await page.waitForSelector('article.entry[data-file="big-k6.json"][data-state="done"]', { timeout: 600_000 });
        const ms = Number(await page.locator('article.entry[data-file="big-k6.json"] .run').getAttribute("data-elapsed-ms"));
        const requests = Number(await page.locator('article.entry[data-file="big-k6.json"] dl [data-metric="requests"]').getAttribute("data-value"));
        return { ms, requests };
      }
      await page.setInputFiles("#bench-input", big.file);
      return page.evaluate(() => new Promise((resolve, reject) => {
        const worker = new Worker("bench-json-worker.js");
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
        worker.postMessage(document.getElementById("bench-input").files[0]);
      }));
    });
    rows.push({ round, which, ...r });
    console.log(`round ${round} ${which.padEnd(4)}: ${(r.ms / 1000).toFixed(2)} s, ${(mb / (r.ms / 1000)).toFixed(1)} MB/s, requests ${r.requests}, renderer peak RSS ${r.peakMb.toFixed(0)} MB (+${r.growthMb.toFixed(0)} MB)`);
    await page.close();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const speed = (which) => median(rows.filter((r) => r.which === which).map((r) => mb / (r.ms / 1000)));
const growth = (which) => Math.max(...rows.filter((r) => r.which === which).map((r) => r.growthMb));
const [wasm, js] = [speed("wasm"), speed("js")];
// Paired by round: the machine's load changes less within a round than across rounds.
const ratios = [...new Set(rows.map((r) => r.round))].map((round) => {
  const [w, j] = ["wasm", "js"].map((which) => rows.find((r) => r.round === round && r.which === which).ms);
  return j / w;
});
console.log(`median: wasm ${wasm.toFixed(1)} MB/s, js ${js.toFixed(1)} MB/s; wasm/js per round ${ratios.map((r) => r.toFixed(1)).join(", ")} (median ${median(ratios).toFixed(1)}×); max renderer growth: wasm +${growth("wasm").toFixed(0)} MB, js +${growth("js").toFixed(0)} MB`);
await browser.close();
await server.close();
