// The offline recognizer's start: bytes it reads and time to its first answer (issue 22 item 6), `make bench`.
// Usage: node bench/startup.bench.mjs <unpacked extension folder> [runs]. Each run is a fresh Node process (a cold
// start, as a service worker that was stopped): read the model files as the background fetches them, parse,
// create the onnxruntime-web session, answer one drawing. Last line: one JSON object with the medians.
//
// An older build (before the answers table, with model/symbols.json) is measured the same way by running this file
// from that commit's extension folder: it hands the recognizer whichever of the two files the build has.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TABLES = ['answers.json', 'symbols.json'];

async function once(folder) {
  const started = performance.now();
  const ort = await import('onnxruntime-web');
  const { OfflineRecognizer } = await import(join(HERE, '../src/background/offline-recognizer.js'));
  const loaded = performance.now();
  const read = (name) => readFileSync(join(folder, 'model', name));
  const [model, rawCard] = [read('model.onnx'), read('model.json')];
  const files = { model, card: JSON.parse(rawCard) };
  let bytes = model.length + rawCard.length;
  for (const table of TABLES) {
    if (!existsSync(join(folder, 'model', table))) continue;
    const raw = read(table);
    bytes += raw.length;
    files[table.replace('.json', '')] = JSON.parse(raw);
  }
  const parsed = performance.now();
  const recognizer = await OfflineRecognizer.create(ort, files);
  const created = performance.now();
  const { strokes } = JSON.parse(readFileSync(join(HERE, '../test/fixtures/crohme-drawings.json'), 'utf8')).samples[0];
  const answer = await recognizer.predict(strokes, 5);
  const answered = performance.now();
  return {
    bytes,
    read_parse_ms: parsed - loaded,
    session_ms: created - parsed,
    first_answer_ms: answered - created,
    total_ms: answered - loaded,
    first: answer.predictions[0].command,
    import_ms: loaded - started,
  };
}

const [folderArg, runsArg, flag] = process.argv.slice(2);
if (!folderArg) {
  console.error('usage: node bench/startup.bench.mjs <unpacked extension folder, e.g. ../dist/build/chrome> [runs]');
  process.exit(2);
}
const folder = resolve(folderArg);
if (flag === '--once') {
  console.log(JSON.stringify(await once(folder)));
} else {
  const runs = Number(runsArg ?? 7);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), folder, '1', '--once'], { encoding: 'utf8', timeout: 60_000 });
    results.push(JSON.parse(out.trim().split('\n').pop()));
  }
  const median = (key) => {
    const values = results.map((r) => r[key]).sort((a, b) => a - b);
    return +values[Math.floor(values.length / 2)].toFixed(1);
  };
  const result = {
    bench: 'extension-startup',
    folder,
    runs,
    bytes: results[0].bytes,
    read_parse_ms: median('read_parse_ms'),
    session_ms: median('session_ms'),
    first_answer_ms: median('first_answer_ms'),
    total_ms: median('total_ms'),
    first: results[0].first,
  };
  console.log(`offline start (${runs} cold runs, medians): ${result.bytes} B read; read+parse ${result.read_parse_ms} ms, ` +
    `session ${result.session_ms} ms, first answer ${result.first_answer_ms} ms: ${result.total_ms} ms to the first answer`);
  console.log(JSON.stringify(result));
}
