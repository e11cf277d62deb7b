// `make extension`: both store packages build, hold what offline mode needs, and pass Mozilla's linter.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildAll, extensionCard, offlineFiles } from '../build.mjs';
import { Catalogue, summary } from '../src/background/catalogue.js';
import { OfflineAnswers } from '../src/background/offline-answers.js';
import { MODELS_DIR } from './support/backend.mjs';

const run = promisify(execFile);
const skip = existsSync(`${MODELS_DIR}/model.onnx`) ? false : `no model at ${MODELS_DIR}/model.onnx`;
let dist;
let results;

before(async () => {
  if (skip) return;
  dist = mkdtempSync(join(tmpdir(), 'texsketch-dist-'));
  results = await buildAll({ distDir: dist, modelsDir: MODELS_DIR });
});

after(() => dist && rmSync(dist, { recursive: true, force: true }));

async function zipEntries(zip) {
  const { stdout } = await run('unzip', ['-Z1', zip]);
  return stdout.trim().split('\n');
}

test('build_makes_both_zips_with_model_ort_and_scripts', { skip }, async () => {
  assert.deepEqual(results.map((r) => r.browser), ['chrome', 'firefox']);
  for (const { zip } of results) {
    const entries = await zipEntries(zip);
    for (const file of [
      'manifest.json',
      'background.js',
      'content.js',
      'main-world.js',
      'options/options.html',
      'options/options.js',
      'ort/ort.wasm.bundle.min.mjs',
      'ort/ort-wasm-simd-threaded.wasm',
      'model/model.onnx',
      'model/model.json',
      'model/answers.json',
      'icons/icon-128.png',
    ]) {
      assert.ok(entries.includes(file), `${zip} holds ${file}`);
    }
    // Offline answers are the model's labels: their previews ship (search and other packages' copies stay online).
    const symbols = JSON.parse(readFileSync(join(MODELS_DIR, 'symbols.json'), 'utf8')).symbols;
    const labels = new Set(JSON.parse(readFileSync(join(MODELS_DIR, 'model.json'), 'utf8')).labels);
    const previews = symbols.filter((s) => labels.has(s.id)).map((s) => s.preview).filter((p) => p && existsSync(join(MODELS_DIR, p)));
    assert.equal(previews.length, labels.size);
    for (const preview of previews) assert.ok(entries.includes(`model/${preview}`), `${zip} holds ${preview}`);
  }
});

test('offline_answers_table_answers_as_the_full_catalogue_does', { skip }, () => {
  // Every label's answer (alternatives included) from the shipped table equals the one from models/symbols.json,
  // and the shipped card is the runtime part of model.json.
  const full = JSON.parse(readFileSync(join(MODELS_DIR, 'symbols.json'), 'utf8'));
  const card = JSON.parse(readFileSync(join(MODELS_DIR, 'model.json'), 'utf8'));
  const read = (name) => JSON.parse(readFileSync(join(results[0].unpacked, 'model', name), 'utf8'));
  const [shippedCard, answers] = [read('model.json'), read('answers.json')];
  assert.deepEqual(answers, offlineFiles(MODELS_DIR).answers);
  assert.deepEqual(shippedCard, extensionCard(card));
  assert.deepEqual(shippedCard.labels, card.labels);
  assert.deepEqual(shippedCard.uncertainty.typical_ink, card.uncertainty.typical_ink);
  const whole = new Catalogue(full);
  const decoded = new OfflineAnswers(answers, shippedCard);
  card.labels.forEach((label, i) => assert.deepEqual(decoded.entry(i), summary(whole.byId.get(label), whole), label));
  assert.ok(!existsSync(join(results[0].unpacked, 'model/symbols.json')), 'the catalogue itself stays on the server');
});

test('build_manifest_serves_chrome_and_firefox', { skip }, () => {
  const manifest = JSON.parse(readFileSync(join(results[0].unpacked, 'manifest.json'), 'utf8'));
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.background.service_worker, 'background.js');
  assert.deepEqual(manifest.background.scripts, ['background.js']);
  assert.match(manifest.browser_specific_settings.gecko.id, /@/);
  const main = manifest.content_scripts.find((c) => c.world === 'MAIN');
  assert.deepEqual(main.js, ['main-world.js']);
  assert.equal(main.run_at, 'document_start');
  assert.ok(main.matches.includes('https://www.overleaf.com/project/*'));
  assert.match(manifest.content_security_policy.extension_pages, /'wasm-unsafe-eval'/);
  assert.equal(manifest.version, JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
});

test('web_ext_lint_finds_no_errors', { skip }, async () => {
  const firefox = results.find((r) => r.browser === 'firefox').unpacked;
  const bin = new URL('../node_modules/.bin/web-ext', import.meta.url).pathname;
  const { stdout } = await run(bin, ['lint', '--source-dir', firefox, '--output', 'json', '--no-config-discovery'], {
    maxBuffer: 1 << 24,
  }).catch((error) => error); // web-ext exits non-zero on errors; the JSON says which
  const report = JSON.parse(stdout);
  assert.deepEqual(report.errors.map((e) => `${e.file}: ${e.message}`), []);
});
