// Personal examples (issue 12) end to end in real Chromium with the built extension on the Overleaf-like page,
// against the real server behind a request-recording proxy: a correction from place 3 answers first next time
// (server and offline mode), a personal symbol taught with three drawings inserts its snippet, the options page
// lists, exports, deletes and imports the set, and nothing personal reaches the server with feedback off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUnpacked } from '../build.mjs';
import { backendMissing, startBackend } from './support/backend.mjs';
import { modelsWithEmbedding } from './support/embedding-models.mjs';
import { startPageServer } from './support/page-server.mjs';
import { waitForEditor } from './support/panel-driver.mjs';
import {
  assertNothingPersonalSent,
  correctionAnswersFirstNextTime,
  personalSymbolAfterThreeDrawings,
  SNIPPET,
} from './support/personal-scenario.mjs';
import { drawFixture, openPanel } from './support/scenario.mjs';
import { startRecordingProxy } from './support/recording-proxy.mjs';
import { startAll } from './support/start-all.mjs';
import { launchChromiumWithExtension } from './support/chromium-extension.mjs';

const skip = backendMissing() ?? false;

let models;
let root;
let pageServer;
let backend;
let proxy;
let context;
let worker;
let extensionId;
let page;

async function optionsPage() {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options/options.html`);
  await options.waitForFunction(() => document.getElementById('personal').dataset.examples !== undefined);
  return options;
}

async function setOptions({ mode, serverUrl }) {
  const options = await optionsPage();
  await options.check(`input[name=mode][value=${mode}]`);
  if (serverUrl) await options.fill('input[name=serverUrl]', serverUrl);
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
  models = modelsWithEmbedding();
  root = mkdtempSync(join(tmpdir(), 'texsketch-personal-chromium-'));
  await startAll(
    {
      build: buildUnpacked({ outDir: join(root, 'extension'), modelsDir: models.dir, browser: 'chrome' }),
      pageServer: startPageServer(),
      backend: startBackend({ modelDir: models.dir }),
    },
    (name, value) => {
      if (name === 'pageServer') pageServer = value;
      else if (name === 'backend') backend = value;
    },
  );
  proxy = await startRecordingProxy(backend.url);
  ({ context, worker, extensionId, page } = await launchChromiumWithExtension(join(root, 'extension'), {
    viewport: { width: 1100, height: 760 },
    acceptDownloads: true,
    profileDir: join(root, 'profile'),
  }));
  await page.goto(pageServer.projectUrl);
  await waitForEditor(page);
  await setOptions({ mode: 'server', serverUrl: proxy.url });
});

after(async () => {
  await context?.close();
  await Promise.all([backend?.stop(), pageServer?.close(), proxy?.close()]);
  if (root) rmSync(root, { recursive: true, force: true });
  if (models) console.log(`# model: ${models.derived ? 'shipped model with the embedding output added for the test' : 'shipped model'}`);
  models?.remove();
});

test('chromium_personal_correction_from_place_3_answers_first_next_time', { skip }, async () => {
  await correctionAnswersFirstNextTime(session);
});

test('chromium_personal_symbol_after_three_drawings_inserts_its_snippet', { skip }, async () => {
  await personalSymbolAfterThreeDrawings(session);
});

test('chromium_personal_offline_mode_ranks_the_same_way', { skip }, async () => {
  await setOptions({ mode: 'offline' });
  await openPanel(session);
  const shown = await drawFixture(page, 5);
  assert.equal(shown.answeredBy, 'offline');
  assert.equal(shown.candidates[0].command, SNIPPET, 'the personal symbol is first offline too');
  await setOptions({ mode: 'server' });
});

test('chromium_personal_options_page_lists_exports_deletes_and_imports', { skip }, async () => {
  const options = await optionsPage();
  await options.waitForFunction(() => document.querySelectorAll('#personal-list tbody tr').length === 2);
  const rows = await options.$$eval('#personal-list tbody tr', (trs) => trs.map((tr) => tr.innerText));
  assert.match(rows[1], /\\R\s+your symbol\s+3/);
  const download = options.waitForEvent('download');
  await options.click('#personal-export');
  const file = join(root, 'texsketch-personal.json');
  await (await download).saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(exported.format, 'texsketch-personal-set');
  assert.equal(exported.examples.length, 4);
  for (const row of [0, 1]) {
    await options.click('#personal-list tbody tr:first-child button.remove');
    await options.waitForFunction((n) => document.querySelectorAll('#personal-list tbody tr').length === n, 1 - row);
  }
  await page.bringToFront();
  const forgotten = await drawFixture(page, 5);
  assert.ok(!forgotten.candidates.some((c) => c.command === SNIPPET), 'deleted: no longer a candidate');
  await options.bringToFront();
  await options.setInputFiles('#personal-import', file);
  await options.waitForFunction(() => /Imported 4/.test(document.getElementById('personal-status').textContent));
  const stored = await worker.evaluate(() => chrome.storage.local.get('personalSet'));
  assert.deepEqual(stored.personalSet, exported, 'the import restores exactly what was exported');
  await options.close();
  await page.bringToFront();
  const back = await drawFixture(page, 5);
  assert.equal(back.candidates[0].command, SNIPPET, 'imported: the personal symbol is back');
});

test('chromium_personal_nothing_personal_reaches_the_server_with_feedback_off', { skip }, () => {
  assertNothingPersonalSent(proxy.log);
  console.log(`# request log: ${proxy.log.length} requests, ${[...new Set(proxy.log.map((r) => `${r.method} ${r.path.replace(/\/previews\/.*/, '/previews/*')}`))].join(', ')}`);
});
