// What a new user tripped over in the panel and the options page (issue 24), end to end in real Chromium with the
// built extension on the Overleaf-like page against the real server: commands shown in full (never cut),
// candidates under 1 % greyed "unlikely", a correction that says "Learnt: this drawing -> ..." with an Undo that
// forgets it, and axe-core (no serious or critical violation) on the panel with candidates and on the options
// page, whose "Import..." opens by keyboard and whose table has no empty header.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUnpacked } from '../build.mjs';
import { backendMissing, startBackend } from './support/backend.mjs';
import { modelsWithEmbedding } from './support/embedding-models.mjs';
import { startPageServer } from './support/page-server.mjs';
import { waitForEditor } from './support/panel-driver.mjs';
import { axeViolations, commandsInFullAndUnlikelyMarked, correctionSaysLearntAndUndoForgetsIt } from './support/new-user-scenario.mjs';
import { startAll } from './support/start-all.mjs';
import { launchChromiumWithExtension } from './support/chromium-extension.mjs';

const skip = backendMissing() ?? false;

let models;
let root;
let pageServer;
let backend;
let context;
let worker;
let extensionId;
let page;

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

async function optionsPage() {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options/options.html`);
  await options.waitForFunction(() => document.getElementById('personal').dataset.examples !== undefined);
  return options;
}

before(async () => {
  if (skip) return;
  models = modelsWithEmbedding();
  root = mkdtempSync(join(tmpdir(), 'texsketch-new-user-chromium-'));
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
  ({ context, worker, extensionId, page } = await launchChromiumWithExtension(join(root, 'extension'), {
    viewport: { width: 1100, height: 760 },
    profileDir: join(root, 'profile'),
  }));
  await page.goto(pageServer.projectUrl);
  await waitForEditor(page);
  const options = await optionsPage();
  await options.check('input[name=mode][value=server]');
  await options.fill('input[name=serverUrl]', backend.url);
  await options.click('button[type=submit]');
  await options.waitForFunction(() => document.getElementById('saved').textContent.startsWith('Saved'));
  assert.equal(await options.locator('#saved').innerText(), 'Saved.', 'no "host(s)"');
  await options.close();
  await page.bringToFront();
});

after(async () => {
  await context?.close();
  await Promise.all([backend?.stop(), pageServer?.close()]);
  if (root) rmSync(root, { recursive: true, force: true });
  models?.remove();
});

test('chromium_panel_commands_in_full_unlikely_greyed_and_no_axe_violations', { skip }, async () => {
  const path = process.env.TEXSKETCH_NEW_USER_SCREENSHOT;
  await commandsInFullAndUnlikelyMarked(session, { screenshot: path ? () => page.screenshot({ path }) : null });
});

test('chromium_panel_correction_says_learnt_and_undo_forgets_it', { skip }, async () => {
  await correctionSaysLearntAndUndoForgetsIt(session);
  const stored = await worker.evaluate(() => chrome.storage.local.get('personalSet'));
  assert.equal(stored.personalSet.examples.length, 0, 'nothing stored after Undo');
});

test('chromium_options_page_no_axe_violations_import_by_keyboard', { skip }, async () => {
  const options = await optionsPage();
  // Listening from the start: Playwright turns on file chooser interception when the first listener comes.
  const fileChoosers = [];
  options.on('filechooser', (chooser) => fileChoosers.push(chooser));
  await options.bringToFront(); // a tab in the background gets its input late
  assert.deepEqual(await axeViolations(options), [], 'axe-core on the options page');
  // Every control by keyboard: Tab from the top reaches each visible one.
  const unreachable = await options.evaluate(async () => {
    window.__tabbed = new Set();
    document.addEventListener('focusin', (event) => window.__tabbed.add(event.target));
    document.activeElement?.blur();
    return [...document.querySelectorAll('button, a[href], input, select, textarea')].filter(
      (el) => !el.disabled && el.getClientRects().length > 0,
    ).length;
  });
  for (let i = 0; i < unreachable; i++) await options.keyboard.press('Tab');
  // A radio group is one Tab stop (the arrow keys move inside it).
  const missed = await options.evaluate(() => {
    const reached = (el) =>
      window.__tabbed.has(el) || (el.type === 'radio' && [...window.__tabbed].some((t) => t.type === 'radio' && t.name === el.name));
    return [...document.querySelectorAll('button, a[href], input, select, textarea')]
      .filter((el) => !el.disabled && el.getClientRects().length > 0 && !reached(el))
      .map((el) => el.id || el.name || el.textContent.trim());
  });
  assert.deepEqual(missed, [], 'every control of the options page reachable with Tab');
  await options.locator('#personal-export').focus();
  await options.keyboard.press('Tab');
  assert.equal(await options.evaluate(() => document.activeElement.textContent.trim()), 'Import…');
  await options.keyboard.press('Enter');
  for (let waited = 0; fileChoosers.length === 0 && waited < 5000; waited += 100) await options.waitForTimeout(100);
  assert.equal(fileChoosers.length, 1, 'Enter on Import… opens the file chooser');
  await options.close();
  await page.bringToFront();
});
