// Messaging: what a content script sends the background and what comes back, through the real router,
// Recognition, offline model and recognition server (the same modules the background bundles).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRouter } from '../src/background/router.js';
import { Recognition } from '../src/background/recognition.js';
import { MessageError, parseRecognize, RECOGNIZE } from '../src/shared/messages.js';
import { backendMissing, freePort, MODELS_DIR, startBackend } from './support/backend.mjs';
import { crohmeDrawings } from './support/fixtures.mjs';
import { loadOfflineRecognizer } from './support/offline-node.mjs';
import { serveFolder } from './support/static-server.mjs';
import { startAll } from './support/start-all.mjs';

const skip = backendMissing() ?? false;
const drawing = crohmeDrawings()[1].strokes;
let backend;
let files;
let closedPort;
let offline;

function routerWith(settings) {
  const recognition = new Recognition({
    settings: async () => settings,
    offline: () => (offline ??= loadOfflineRecognizer()),
    bundledUrl: (path) => `${files.url}/${path}`,
  });
  return createRouter({ recognition, status: async () => ({}), syncHosts: async () => ({}) });
}

test('parseRecognize_names_the_bad_field', () => {
  assert.throws(() => parseRecognize({ strokes: [] }), /strokes: the drawing has no strokes/);
  assert.throws(() => parseRecognize({ strokes: [[[1, 2]], []] }), /strokes\[1\]: has no points/);
  assert.throws(() => parseRecognize({ strokes: [[[1, 'a']]] }), /strokes\[0\]\[0\]/);
  assert.throws(() => parseRecognize({ strokes: [[[1, 2]]], k: 0 }), MessageError);
  assert.deepEqual(parseRecognize({ strokes: [[[1, 2, 3]]] }), { strokes: [[[1, 2, 3]]], k: 5 });
});

test('router_warm_up_loads_the_offline_model_only_when_it_may_be_used', async () => {
  let loads = 0;
  const make = (mode) =>
    createRouter({
      recognition: new Recognition({ settings: async () => ({ mode, serverUrl: 'http://127.0.0.1:9' }), offline: async () => loads++, bundledUrl: String }),
    });
  assert.deepEqual(await make('server')({ type: 'texsketch:warm-up' }), { ok: true });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(loads, 0);
  await make('auto')({ type: 'texsketch:warm-up' });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(loads, 1);
});

describe('with the real server', { skip }, () => {
  before(async () => {
    if (skip) return;
    closedPort = await freePort();
    await startAll({ backend: startBackend(), files: serveFolder(MODELS_DIR) }, (name, value) => {
      if (name === 'backend') backend = value;
      else files = value;
    });
  });

  after(async () => {
    await Promise.all([backend?.stop(), files?.close()]);
  });

  test('router_rejects_unknown_and_malformed_messages', async () => {
    const route = routerWith({ mode: 'server', serverUrl: backend.url });
    assert.deepEqual(await route({ type: 'nope' }), { ok: false, error: 'type: unknown message type "nope"', kind: 'bad-message' });
    const answer = await route({ type: RECOGNIZE, strokes: 'x' });
    assert.equal(answer.ok, false);
    assert.equal(answer.kind, 'bad-message');
  });

  test('router_server_mode_answers_from_the_server_with_previews', async () => {
    const answer = await routerWith({ mode: 'server', serverUrl: backend.url })({ type: RECOGNIZE, strokes: drawing, k: 5 });
    assert.equal(answer.ok, true, answer.error);
    assert.equal(answer.answeredBy, 'server');
    assert.equal(answer.predictions.length, 5);
    for (const p of answer.predictions) {
      assert.ok(p.command && p.id && ['math', 'text', 'both'].includes(p.mode));
      if (p.preview_url && existsSync(`${MODELS_DIR}${p.preview_url}`)) assert.match(p.preview, /^data:image\/svg\+xml/);
    }
  });

  test('router_server_mode_with_server_down_says_so', async () => {
    const serverUrl = `http://127.0.0.1:${closedPort}`;
    const answer = await routerWith({ mode: 'server', serverUrl })({ type: RECOGNIZE, strokes: drawing });
    assert.equal(answer.ok, false);
    assert.equal(answer.error, `cannot reach the TeXSketch server at ${serverUrl} (connection failed)`);
  });

  test('router_auto_mode_falls_back_to_the_offline_model', async () => {
    const answer = await routerWith({ mode: 'auto', serverUrl: `http://127.0.0.1:${closedPort}` })({ type: RECOGNIZE, strokes: drawing });
    assert.equal(answer.ok, true, answer.error);
    assert.equal(answer.answeredBy, 'offline');
    assert.match(answer.fallbackReason, /cannot reach/);
    assert.equal(answer.predictions.length, 5);
  });

  test('router_auto_mode_prefers_a_running_server', async () => {
    const answer = await routerWith({ mode: 'auto', serverUrl: backend.url })({ type: RECOGNIZE, strokes: drawing });
    assert.equal(answer.answeredBy, 'server');
    assert.equal(answer.fallbackReason, undefined);
  });
});
