// The baseline for scripts/bench-web.sh: a plain JavaScript worker that reads
// a k6 NDJSON file the way the Wasm worker gets it (4 MiB File.slice reads),
// and does JSON.parse on every line, keeping each sample in arrays. It
// computes no statistics, so it is a lower bound on what a JS reader costs.
self.onmessage = async (event) => {
  const file = event.data;
  const started = performance.now();
  const decoder = new TextDecoder();
  const times = [], values = [], names = [], statuses = [], metrics = [];
  let rest = "";
  let lines = 0;
  const CHUNK = 4 * 1024 * 1024;
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    const buffer = await file.slice(offset, offset + CHUNK).arrayBuffer();
    const text = rest + decoder.decode(buffer, { stream: true });
    const parts = text.split("\n");
    rest = parts.pop();
    for (const line of parts) {
      if (line.length === 0) continue;
      const record = JSON.parse(line);
      lines++;
      if (record.type === "Point") {
        metrics.push(record.metric);
        times.push(record.data.time);
        values.push(record.data.value);
        names.push(record.data.tags?.name);
        statuses.push(record.data.tags?.status);
      }
    }
  }
  if (rest.trim().length > 0) {
    JSON.parse(rest);
    lines++;
  }
  const durations = values.filter((_, i) => metrics[i] === "http_req_duration").length;
  self.postMessage({ ms: performance.now() - started, lines, points: values.length, requests: durations });
};
