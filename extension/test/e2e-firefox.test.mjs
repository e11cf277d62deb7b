// End to end in real Firefox ESR (Debian's /usr/bin/firefox-esr driven by puppeteer-core over WebDriver BiDi;
// no geckodriver needed) with the built extension installed as a temporary add-on, on the Overleaf-like test
// page, against the real recognition server. Firefox runs the same manifest through background.scripts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { backendMissing, startBackend } from './support/backend.mjs';
import { buildForTest } from './support/extension-build.mjs';
import { startPageServer } from './support/page-server.mjs';
import { editorState, waitForEditor } from './support/panel-driver.mjs';
import {
  drawFixture,
  insertAndCheck,
  openPanel,
  packageHint,
  reportLatencies,
  undoAndClear,
  xInMath,
} from './support/scenario.mjs';
import { startAll } from './support/start-all.mjs';
import { launchFirefoxWithExtension, pressPanelShortcut, setOptionsInPanel } from './support/firefox-extension.mjs';

const skip = backendMissing() ?? false;

let build;
let pageServer;
let backend;
let browser;
let page;

// The options page cannot be opened over BiDi (navigation to moz-extension:// is refused), so Firefox uses the
// panel's own settings (same storage) and the page-level keyboard shortcut.
const setOptions = (options) => setOptionsInPanel(session, options);

const session = {
  get page() {
    return page;
  },
  togglePanel: () => pressPanelShortcut(page),
};

before(async () => {
  if (skip) return;
  await startAll({ build: buildForTest('firefox'), pageServer: startPageServer(), backend: startBackend() }, (name, value) => {
    if (name === 'build') build = value;
    else if (name === 'pageServer') pageServer = value;
    else backend = value;
  });
  browser = await launchFirefoxWithExtension(build.dir);
  page = await browser.newPage();
  await page.goto(pageServer.projectUrl);
  await waitForEditor(page);
  await setOptions({ mode: 'server', serverUrl: backend.url });
});

after(async () => {
  await browser?.close();
  await Promise.all([backend?.stop(), pageServer?.close()]);
  build?.remove();
  await reportLatencies('firefox');
});

test('firefox_drawing_shows_server_candidates_and_click_replaces_the_selection', { skip }, async () => {
  await openPanel(session);
  const shown = await drawFixture(page, 1);
  assert.equal(shown.state, 'ready', shown.status);
  assert.equal(shown.answeredBy, 'server');
  assert.equal(shown.candidates.length, 5);
  assert.ok(shown.candidates.every((c) => c.hasPreview), 'every candidate shows its LaTeX preview');
  await insertAndCheck(page, { index: 0, selection: xInMath((await editorState(page)).doc) });
});

test('firefox_keys_1_to_5_insert_at_the_caret', { skip }, async () => {
  await openPanel(session);
  for (const index of [6, 8, 10, 12]) assert.equal((await drawFixture(page, index)).answeredBy, 'server');
  const shown = await drawFixture(page, 4);
  assert.equal(shown.candidates.length, 5);
  const caret = (await editorState(page)).doc.indexOf('\\end{document}');
  await insertAndCheck(page, { index: 1, useKey: true, selection: [caret, caret] });
});

test('firefox_undo_and_clear_change_the_drawing', { skip }, () => undoAndClear(session));

test('firefox_package_hint_offers_usepackage_after_documentclass', { skip }, () => packageHint(session));

test('firefox_offline_mode_answers_from_the_shipped_model', { skip }, async () => {
  await setOptions({ mode: 'offline' });
  await openPanel(session);
  for (const index of [1, 3, 5, 7, 9, 11]) {
    const shown = await drawFixture(page, index);
    assert.equal(shown.answeredBy, 'offline', shown.status);
    assert.equal(shown.candidates.length, 5);
    assert.ok(shown.candidates.every((c) => c.hasPreview), 'offline candidates show the bundled previews');
  }
  const caret = (await editorState(page)).doc.indexOf('\\end{document}');
  await insertAndCheck(page, { index: 0, selection: [caret, caret] });
});

test('firefox_server_stopped_gives_a_message_and_auto_falls_back_offline', { skip }, async () => {
  await setOptions({ mode: 'server' });
  await backend.stop();
  await openPanel(session);
  const failed = await drawFixture(page, 2);
  assert.equal(failed.state, 'error');
  assert.match(failed.status, /cannot reach the TeXSketch server/);
  await setOptions({ mode: 'auto' });
  const fallback = await drawFixture(page, 2);
  assert.equal(fallback.answeredBy, 'offline');
  assert.match(fallback.status, /Server unreachable, answered offline/);
  assert.equal(fallback.candidates.length, 5);
});
