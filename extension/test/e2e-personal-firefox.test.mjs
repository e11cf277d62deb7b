// Personal examples (issue 12) end to end in real Firefox ESR (puppeteer-core over WebDriver BiDi, the built
// extension as a temporary add-on) on the Overleaf-like page, against the real server behind a request-recording
// proxy: a correction from place 3 answers first next time, a personal symbol taught with three drawings inserts
// its snippet (also in offline mode), the options page (opened from the panel's "Your symbols…", as BiDi may not
// navigate to moz-extension:// itself) exports, deletes and imports the set, nothing personal reaches the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUnpacked } from '../build.mjs';
import { backendMissing, startBackend } from './support/backend.mjs';
import { modelsWithEmbedding } from './support/embedding-models.mjs';
import { findExtensionPage } from './support/firefox-pages.mjs';
import { startPageServer } from './support/page-server.mjs';
import { clickInPanel, waitForEditor } from './support/panel-driver.mjs';
import {
  assertNothingPersonalSent,
  correctionAnswersFirstNextTime,
  personalSymbolAfterThreeDrawings,
  SNIPPET,
  TAUGHT,
} from './support/personal-scenario.mjs';
import { drawFixture, openPanel } from './support/scenario.mjs';
import { startRecordingProxy } from './support/recording-proxy.mjs';
import { startAll } from './support/start-all.mjs';
import { launchFirefoxWithExtension, pressPanelShortcut, setOptionsInPanel } from './support/firefox-extension.mjs';

const skip = backendMissing() ?? false;

let models;
let root;
let pageServer;
let backend;
let proxy;
let browser;
let page;

const session = {
  get page() {
    return page;
  },
  togglePanel: () => pressPanelShortcut(page),
};

// The panel's own settings (same storage as the options page, which BiDi cannot open).
const setOptions = (options) => setOptionsInPanel(session, options);

before(async () => {
  if (skip) return;
  models = modelsWithEmbedding();
  root = mkdtempSync(join(tmpdir(), 'texsketch-personal-firefox-'));
  await startAll(
    {
      build: buildUnpacked({ outDir: join(root, 'extension'), modelsDir: models.dir, browser: 'firefox' }),
      pageServer: startPageServer(),
      backend: startBackend({ modelDir: models.dir }),
    },
    (name, value) => {
      if (name === 'pageServer') pageServer = value;
      else if (name === 'backend') backend = value;
    },
  );
  proxy = await startRecordingProxy(backend.url);
  browser = await launchFirefoxWithExtension(join(root, 'extension'), { viewport: { width: 1100, height: 760 } });
  page = await browser.newPage();
  await page.goto(pageServer.projectUrl);
  await waitForEditor(page);
  await setOptions({ mode: 'server', serverUrl: proxy.url });
});

after(async () => {
  await browser?.close();
  await Promise.all([backend?.stop(), pageServer?.close(), proxy?.close()]);
  if (root) rmSync(root, { recursive: true, force: true });
  models?.remove();
});

test('firefox_personal_correction_from_place_3_answers_first_next_time', { skip }, async () => {
  await correctionAnswersFirstNextTime(session);
});

test('firefox_personal_symbol_after_three_drawings_inserts_its_snippet', { skip }, async () => {
  await personalSymbolAfterThreeDrawings(session);
});

test('firefox_personal_offline_mode_ranks_the_same_way', { skip }, async () => {
  await setOptions({ mode: 'offline' });
  await openPanel(session);
  const shown = await drawFixture(page, TAUGHT);
  assert.equal(shown.answeredBy, 'offline');
  assert.equal(shown.candidates[0].command, SNIPPET, 'the personal symbol is first offline too');
  await setOptions({ mode: 'server' });
});

test('firefox_personal_options_page_exports_deletes_and_imports', { skip }, async () => {
  await openPanel(session);
  const teachOpen = await page.evaluate(() => !document.querySelector('#texsketch-panel-host').shadowRoot.querySelector('.teach').hidden);
  if (!teachOpen) await clickInPanel(page, '.teach-toggle');
  // Firefox opened the options page once at install: close it, so the tab found below is the one just opened.
  for (let stale; (stale = await findExtensionPage(browser)); ) await stale.close();
  await clickInPanel(page, '.open-personal');
  const options = await findExtensionPage(browser, { path: '/options/', timeoutMs: 10_000 });
  assert.ok(options, 'the options page opened from the panel');
  const rows = () => options.evaluate(() => document.querySelectorAll('#personal-list tbody tr').length);
  // Bounded at 30 s: the background answers in milliseconds, but a loaded machine running several browsers is slow.
  const until = async (predicate, what) => {
    for (let i = 0; i < 600; i++) {
      if (await predicate()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const listed = await options.evaluate(() => document.getElementById('personal').innerText).catch((e) => e.message);
    throw new Error(`timed out waiting for ${what}; the page shows: ${listed}`);
  };
  await until(async () => (await rows()) === 2, 'two rows (a correction, a personal symbol)');
  // What Export hands to the browser's download: the blob behind its link.
  await options.evaluate(() => {
    const create = URL.createObjectURL;
    URL.createObjectURL = (blob) => {
      blob.text().then((text) => (window.__exported = text));
      return create(blob);
    };
  });
  await options.click('#personal-export');
  await until(() => options.evaluate(() => Boolean(window.__exported)), 'the export');
  const exported = JSON.parse(await options.evaluate(() => window.__exported));
  assert.equal(exported.format, 'texsketch-personal-set');
  assert.equal(exported.examples.length, 4);
  for (const left of [1, 0]) {
    await options.click('#personal-list tbody tr button.remove');
    await until(async () => (await rows()) === left, `${left} row(s) after deleting`);
  }
  const file = join(root, 'texsketch-personal.json');
  writeFileSync(file, JSON.stringify(exported));
  await (await options.$('#personal-import')).uploadFile(file);
  await until(() => options.evaluate(() => /Imported 4/.test(document.getElementById('personal-status').textContent)), 'the import');
  assert.equal(await rows(), 2);
  await options.close();
  await page.bringToFront();
  const back = await drawFixture(page, TAUGHT);
  assert.equal(back.candidates[0].command, SNIPPET, 'imported: the personal symbol is back');
});

test('firefox_personal_nothing_personal_reaches_the_server_with_feedback_off', { skip }, () => {
  assertNothingPersonalSent(proxy.log);
});
