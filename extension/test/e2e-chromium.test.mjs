// End to end in real Chromium (Debian's /usr/bin/chromium driven by playwright-core) with the built extension
// loaded, on a page with a real CodeMirror 6 editor wired like Overleaf (its pins, its third-party-extension
// event, its CSP), and the real recognition server (`python -m backend`) as a subprocess.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { backendMissing, startBackend } from './support/backend.mjs';
import { buildForTest } from './support/extension-build.mjs';
import { startPageServer } from './support/page-server.mjs';
import { editorState, panelState, clickInPanel, waitForEditor, waitForPanel } from './support/panel-driver.mjs';
import {
  drawFixture,
  drawings,
  insertAndCheck,
  openPanel,
  packageHint,
  reportLatencies,
  undoAndClear,
  xInMath,
} from './support/scenario.mjs';
import { fitInto } from './support/fixtures.mjs';
import { startAll } from './support/start-all.mjs';
import { launchChromiumWithExtension } from './support/chromium-extension.mjs';

const skip = backendMissing() ?? false;

let build;
let pageServer;
let backend;
let context;
let profile;
let worker;
let extensionId;
let page;

async function setOptions({ mode, serverUrl, sendFeedback }) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options/options.html`);
  await options.waitForFunction(() => document.querySelector('input[name=serverUrl]').value !== '');
  await options.check(`input[name=mode][value=${mode}]`);
  if (serverUrl) await options.fill('input[name=serverUrl]', serverUrl);
  if (sendFeedback !== undefined) await options.setChecked('input[name=sendFeedback]', sendFeedback);
  await options.click('button[type=submit]');
  await options.waitForFunction(() => document.getElementById('saved').textContent.startsWith('Saved'));
  await options.close();
  await page.bringToFront();
}

const session = {
  get page() {
    return page;
  },
  togglePanel: () =>
    worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ url: 'http://127.0.0.1/project/*' });
      await globalThis.texsketch.togglePanel(tab);
    }),
};

before(async () => {
  if (skip) return;
  await startAll({ build: buildForTest('chrome'), pageServer: startPageServer(), backend: startBackend() }, (name, value) => {
    if (name === 'build') build = value;
    else if (name === 'pageServer') pageServer = value;
    else backend = value;
  });
  ({ context, worker, extensionId, profile, page } = await launchChromiumWithExtension(build.dir));
  await page.goto(pageServer.projectUrl);
  await waitForEditor(page);
  await setOptions({ mode: 'server', serverUrl: backend.url });
});

after(async () => {
  await context?.close();
  await Promise.all([backend?.stop(), pageServer?.close()]);
  build?.remove();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await reportLatencies('chromium');
});

test('chromium_panel_opens_on_the_overleaf_page_with_its_csp', { skip }, async () => {
  const state = await openPanel(session);
  assert.equal(state.state, 'empty');
  assert.match(state.status, /Draw a symbol/);
});

test('chromium_drawing_shows_server_candidates_and_click_replaces_the_selection', { skip }, async () => {
  await openPanel(session);
  const shown = await drawFixture(page, 1);
  assert.equal(shown.state, 'ready', shown.status);
  assert.equal(shown.answeredBy, 'server');
  assert.equal(shown.candidates.length, 5);
  assert.ok(shown.candidates.every((c) => c.hasPreview), 'every candidate shows its LaTeX preview');
  await insertAndCheck(page, { index: 0, selection: xInMath((await editorState(page)).doc) });
  if (process.env.TEXSKETCH_SCREENSHOT) {
    await drawFixture(page, 10);
    await page.screenshot({ path: process.env.TEXSKETCH_SCREENSHOT });
  }
});

async function feedbackStats() {
  return (await fetch(`${backend.url}/feedback/stats`)).json();
}

// Also the opt-in feedback: the insertion above happened with the switch off (the default) and stored nothing;
// with it on, the inserted candidate becomes one row in the real backend's (temporary SQLite) database.
test('chromium_keys_1_to_5_insert_at_the_caret_and_send_feedback_when_switched_on', { skip }, async () => {
  assert.equal((await feedbackStats()).total, 0, 'nothing is sent with the switch off');
  await setOptions({ mode: 'server', sendFeedback: true });
  await openPanel(session);
  const shown = await drawFixture(page, 3);
  assert.equal(shown.answeredBy, 'server');
  const caret = (await editorState(page)).doc.indexOf('\\end{document}');
  await insertAndCheck(page, { index: 2, useKey: true, selection: [caret, caret] });
  let stats = await feedbackStats();
  for (let i = 0; i < 100 && stats.total === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stats = await feedbackStats();
  }
  assert.equal(stats.total, 1, JSON.stringify(stats));
  assert.deepEqual(stats.per_symbol, [{ id: shown.candidates[2].id, count: 1 }]);
  assert.deepEqual(stats.chosen_rank, { 3: 1 });
});

// Real pen and touch input through the DevTools protocol (what a tablet or touch screen sends), not synthetic
// DOM events: the panel must record them as strokes like mouse input.
async function drawWithDevtools(kind, strokes) {
  const cdp = await context.newCDPSession(page);
  const box = await page.evaluate(() => {
    const r = document.querySelector('#texsketch-panel-host').shadowRoot.querySelector('canvas').getBoundingClientRect();
    return { x: r.left, y: r.top };
  });
  const at = ([x, y]) => ({ x: box.x + x, y: box.y + y });
  await clickInPanel(page, '.clear');
  for (const stroke of strokes) {
    if (kind === 'touch') {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(stroke[0])] });
      for (const point of stroke.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(point)] });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    } else {
      const pen = { pointerType: 'pen', button: 'left', clickCount: 1, force: 0.5 };
      await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...at(stroke[0]), ...pen });
      for (const point of stroke.slice(1)) await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...at(point), ...pen, buttons: 1 });
      await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...at(stroke.at(-1)), ...pen });
    }
  }
  await cdp.detach();
  return waitForPanel(page, (s) => (s.latencyMs !== null && s.state === 'ready') || s.state === 'error', `${kind} candidates`);
}

test('chromium_pen_and_touch_input_draw_strokes', { skip }, async () => {
  await openPanel(session);
  const [width, height] = await page.evaluate(() => {
    const r = document.querySelector('#texsketch-panel-host').shadowRoot.querySelector('canvas').getBoundingClientRect();
    return [r.width, r.height];
  });
  const plus = drawings.findIndex((d) => d.label === '+');
  const strokes = fitInto(drawings[plus].strokes, width, height);
  for (const kind of ['pen', 'touch']) {
    const shown = await drawWithDevtools(kind, strokes);
    assert.equal(shown.state, 'ready', `${kind}: ${shown.status}`);
    assert.equal(shown.pointerType, kind);
    assert.equal(shown.strokes, strokes.length, `${kind}: every stroke recorded`);
    assert.equal(shown.candidates.length, 5);
  }
});

test('chromium_undo_and_clear_change_the_drawing', { skip }, () => undoAndClear(session));

test('chromium_package_hint_offers_usepackage_after_documentclass', { skip }, () => packageHint(session));

test('chromium_offline_mode_answers_from_the_shipped_model', { skip }, async () => {
  // Server mode so far: the model is not loaded yet. Time its load (the panel's warm-up does this on open).
  const loadMs = await worker.evaluate(async () => {
    const started = performance.now();
    await globalThis.texsketch.offline();
    return Math.round(performance.now() - started);
  });
  console.log(`# chromium offline model load in the service worker: ${loadMs} ms`);
  await setOptions({ mode: 'offline' });
  await openPanel(session);
  for (const index of [1, 3, 5, 7, 9, 11]) {
    const shown = await drawFixture(page, index);
    assert.equal(shown.answeredBy, 'offline', shown.status);
    assert.equal(shown.candidates.length, 5);
    assert.ok(shown.candidates.every((c) => c.hasPreview), 'offline candidates show the bundled previews');
  }
  const caret = (await editorState(page)).doc.indexOf('\\end{document}');
  const stored = (await feedbackStats()).total; // the switch is still on: the package hint test inserted too
  await insertAndCheck(page, { index: 0, selection: [caret, caret] });
  // Offline mode promises that nothing leaves the browser, feedback switch or not.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await feedbackStats()).total, stored, 'offline mode sends no feedback');
});

test('chromium_offline_top5_in_the_service_worker_equals_the_server', { skip }, async () => {
  for (const drawing of drawings) {
    const offline = await worker.evaluate(
      async (strokes) => (await (await globalThis.texsketch.offline()).predict(strokes, 5)).predictions.map((p) => p.id),
      drawing.strokes,
    );
    const response = await fetch(`${backend.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ strokes: drawing.strokes, k: 5 }),
    });
    const server = (await response.json()).predictions.map((p) => p.id);
    assert.deepEqual(offline, server, `top-5 for a drawn ${drawing.label}`);
  }
});

test('chromium_server_stopped_gives_a_message_and_auto_falls_back_offline', { skip }, async () => {
  await setOptions({ mode: 'server' });
  await backend.stop();
  await openPanel(session);
  const failed = await drawFixture(page, 2);
  assert.equal(failed.state, 'error');
  assert.match(failed.status, /cannot reach the TeXSketch server at http:\/\/127\.0\.0\.1:\d+/);
  assert.equal(failed.candidates.length, 0);
  await setOptions({ mode: 'auto' });
  const fallback = await drawFixture(page, 2);
  assert.equal(fallback.answeredBy, 'offline');
  assert.equal(fallback.statusKind, 'notice');
  assert.match(fallback.status, /Server unreachable, answered offline/);
  assert.equal(fallback.candidates.length, 5);
});
