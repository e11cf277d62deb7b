// The offline "not sure" rule (src/background/confidence.js) against the Python reference vectors
// (tests/golden/confidence.json, from backend/confidence.py), and against the real server on real and junk
// drawings with the shipped model: same flag and confidence from the same model outputs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderCounts } from '../src/render.js';
import { FEATURES, UncertaintyRule, features, uncalibrated } from '../src/background/confidence.js';
import { backendMissing, startBackend } from './support/backend.mjs';
import { crohmeDrawings } from './support/fixtures.mjs';
import { loadOfflineRecognizer } from './support/offline-node.mjs';
import { startAll } from './support/start-all.mjs';

const golden = JSON.parse(readFileSync(new URL('../../tests/golden/confidence.json', import.meta.url), 'utf8'));
const close = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);

for (const c of golden.cases) {
  test(`confidence golden case: ${c.name}`, () => {
    const rule = new UncertaintyRule(golden.rule);
    const values = rule.features(Float32Array.from(c.scores), renderCounts(c.strokes));
    values.forEach((v, i) => close(v, c.features[i], FEATURES[i]));
    close(rule.junkScore(values), c.junk_score, 'junk score');
    close(rule.confidence(values), c.confidence, 'confidence');
    assert.equal(rule.assess(Float32Array.from(c.scores), renderCounts(c.strokes)).not_sure, c.not_sure);
  });
}

test('UncertaintyRule refuses a block of another feature set or shape', () => {
  assert.throws(() => new UncertaintyRule({ ...golden.rule, features: ['log_top1'] }), /features/);
  assert.throws(() => new UncertaintyRule({ ...golden.rule, mean: [0] }), /wrong shape/);
  assert.throws(() => new UncertaintyRule({ ...golden.rule, typical_ink: undefined }), /wrong shape/);
  const rule = new UncertaintyRule(golden.rule);
  assert.throws(() => features(Float32Array.from([1]), new Uint8Array(1024), rule.typical), /typical_ink/);
});

test('uncalibrated claims nothing', () => {
  assert.deepEqual(uncalibrated(Float32Array.from([0.25, 0.75])), { confidence: 0.75, not_sure: false });
});

// Scribbles a user makes to cross something out: straight runs between random points (seeded).
function scribble(seed) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const corners = Array.from({ length: 14 }, () => [random() * 300, random() * 300]);
  const points = [];
  for (let i = 0; i + 1 < corners.length; i++) {
    for (let t = 0; t < 8; t++) {
      const [a, b] = [corners[i], corners[i + 1]];
      points.push([Math.round((a[0] + ((b[0] - a[0]) * t) / 8) * 10) / 10, Math.round((a[1] + ((b[1] - a[1]) * t) / 8) * 10) / 10]);
    }
  }
  return [points];
}

const skip = backendMissing() ?? false;
let backend;
let offline;

before(async () => {
  if (skip) return;
  await startAll({ backend: startBackend(), offline: loadOfflineRecognizer() }, (name, value) => {
    if (name === 'backend') backend = value;
    else offline = value;
  });
});

after(async () => {
  await backend?.stop();
});

test('offline_not_sure_equals_server_on_real_and_junk_drawings', { skip }, async () => {
  const drawings = [
    ...crohmeDrawings().map(({ label, strokes }) => ({ label, strokes })),
    ...[1, 2, 3, 4, 5].map((seed) => ({ label: `scribble ${seed}`, strokes: scribble(seed) })),
    { label: 'tap', strokes: [[[40, 40]]] },
  ];
  let flagged = 0;
  for (const { label, strokes } of drawings) {
    const response = await fetch(`${backend.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ strokes, k: 5 }),
    });
    const server = await response.json();
    const local = await offline.predict(strokes, 5);
    assert.equal(local.not_sure, server.not_sure, `not_sure of ${label}`);
    // Scores of the two runtimes may differ by a quantization step's rounding (offline-equals-server.test.mjs).
    assert.ok(Math.abs(local.confidence - server.confidence) < 1e-3, `confidence of ${label}`);
    if (label.startsWith('scribble') || label === 'tap') flagged += server.not_sure ? 1 : 0;
  }
  assert.ok(flagged >= 5, `junk flagged by the server: ${flagged} of 6`);
});
