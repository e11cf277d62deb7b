// What a new user tripped over in the panel (issue 24), end to end in real Firefox ESR (puppeteer-core over
// WebDriver BiDi, the built extension as a temporary add-on) on the Overleaf-like page against the real server:
// commands shown in full, candidates under 1 % marked "unlikely", a correction that says "Learnt: this drawing ->
// ... · Undo" and whose Undo forgets it, and axe-core (no serious or critical violation) on the panel.
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUnpacked } from '../build.mjs';
import { backendMissing, startBackend } from './support/backend.mjs';
import { modelsWithEmbedding } from './support/embedding-models.mjs';
import { startPageServer } from './support/page-server.mjs';
import { waitForEditor } from './support/panel-driver.mjs';
import { commandsInFullAndUnlikelyMarked, correctionSaysLearntAndUndoForgetsIt } from './support/new-user-scenario.mjs';
import { startAll } from './support/start-all.mjs';
import { launchFirefoxWithExtension, pressPanelShortcut, setOptionsInPanel } from './support/firefox-extension.mjs';

const skip = backendMissing() ?? false;

let models;
let root;
let pageServer;
let backend;
let browser;
let page;

const session = {
  get page() {
    return page;
  },
  togglePanel: () => pressPanelShortcut(page),
};

before(async () => {
  if (skip) return;
  models = modelsWithEmbedding();
  root = mkdtempSync(join(tmpdir(), 'texsketch-new-user-firefox-'));
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
  browser = await launchFirefoxWithExtension(join(root, 'extension'), { viewport: { width: 1100, height: 760 } });
  page = await browser.newPage();
  await page.goto(pageServer.projectUrl);
  await waitForEditor(page);
  await setOptionsInPanel(session, { mode: 'server', serverUrl: backend.url });
});

after(async () => {
  await browser?.close();
  await Promise.all([backend?.stop(), pageServer?.close()]);
  if (root) rmSync(root, { recursive: true, force: true });
  models?.remove();
});

test('firefox_panel_commands_in_full_unlikely_greyed_and_no_axe_violations', { skip }, () => commandsInFullAndUnlikelyMarked(session));

test('firefox_panel_correction_says_learnt_and_undo_forgets_it', { skip }, () => correctionSaysLearntAndUndoForgetsIt(session));
