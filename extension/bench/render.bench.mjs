// Benchmark the JavaScript renderer over real CROHME drawings (`make bench`, part one).
// Usage: node bench/render.bench.mjs <samples.jsonl.gz> [count]. Last line: one JSON object.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { renderCounts } from '../src/render.js';

const [path, countArg] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/render.bench.mjs <crohme samples.jsonl.gz> [count]');
  process.exit(2);
}
const count = Number(countArg ?? 5000);
const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n', count);
const drawings = lines.filter(Boolean).map((line) => JSON.parse(line).strokes);

// Warm up the JIT so the numbers describe steady state, as in a long-lived extension.
for (const d of drawings.slice(0, 500)) renderCounts(d);
const times = drawings.map((d) => {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const start = process.hrtime.bigint();
    renderCounts(d);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000);
  }
  return best;
});
times.sort((a, b) => a - b);
const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
const result = { bench: 'render-js', drawings: times.length, p50_us: +pick(0.5).toFixed(1), p99_us: +pick(0.99).toFixed(1) };
console.log(`JavaScript render over ${times.length} CROHME drawings: p50 ${result.p50_us} us, p99 ${result.p99_us} us`);
console.log(JSON.stringify(result));
