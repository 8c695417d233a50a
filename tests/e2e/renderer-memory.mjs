// Memory of the Chromium renderer processes a benchmark starts (a page and
// its dedicated workers share one), read from /proc. Shared by bench.mjs and
// bench-scale.mjs.
import fs from "node:fs";

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function allRenderers() {
  return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer");
    } catch {
      return false;
    }
  });
}

// Renderers that existed before the benchmark's browser started belong to someone else.
const foreign = new Set(allRenderers());
const renderers = () => allRenderers().filter((pid) => !foreign.has(pid));

/**
 * Samples the renderers' resident size every 100 ms while `run` runs;
 * resolves to its result with `peakMb` and `growthMb` (peak above the start).
 */
export async function withRendererMemory(run) {
  const before = Math.max(0, ...renderers().map(rssKb));
  let peak = before;
  const timer = setInterval(() => {
    for (const pid of renderers()) peak = Math.max(peak, rssKb(pid));
  }, 100);
  try {
    const result = await run();
    return { ...result, peakMb: peak / 1024, growthMb: (peak - before) / 1024 };
  } finally {
    clearInterval(timer);
  }
}
