// What a new user tripped over in the panel and the options page (issue 24), end to end in real Chromium with the
// built extension on the Overleaf-like page against the real server: commands shown in full (never cut),
// candidates under 1 % greyed "unlikely", a correction that says "Learnt: this drawing -> ..." with an Undo that
// forgets it, and axe-core (no serious or critical violation) on the panel with candidates and on the options
// page, whose "Import..." opens by keyboard and whose table has no empty header.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildUnpacked } from '../build.mjs';
import { backendMissing, startBackend } from './support/backend.mjs';
import { modelsWithEmbedding } from './support/embedding-models.mjs';
import { startPageServer } from './support/page-server.mjs';
import { canvasSize, clickInPanel, drawAndRecognize, waitForEditor, waitForPanel } from './support/panel-driver.mjs';
import { openPanel } from './support/scenario.mjs';
import { startAll } from './support/start-all.mjs';
import { launchChromiumWithExtension } from './support/chromium-extension.mjs';
import { tmpdir } from 'node:os';

const HOST = '#texsketch-panel-host';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
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

/** axe-core's serious and critical violations in `page` (within `include`, a selector, if given). */
async function axeViolations(target, include) {
  await target.evaluate(AXE);
  const result = await target.evaluate((context) => window.axe.run(context ?? document, { resultTypes: ['violations'] }), include ? { include: [include] } : null);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'empty-table-header')
    .map((v) => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')]);
}

async function optionsPage() {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options/options.html`);
  await options.waitForFunction(() => document.getElementById('personal').dataset.examples !== undefined);
  return options;
}

function panelDetails() {
  return page.evaluate((host) => {
    const shadow = document.querySelector(host).shadowRoot;
    const learnt = shadow.querySelector('.learnt');
    return {
      candidates: [...shadow.querySelectorAll('.candidate')].map((b) => {
        const command = b.querySelector('.command');
        const box = command.getBoundingClientRect();
        const button = b.getBoundingClientRect();
        return {
          command: b.dataset.command,
          shown: command.textContent,
          cut: command.scrollWidth > command.clientWidth + 1 || box.right > button.right + 0.5,
          unlikely: b.dataset.unlikely ?? null,
          meta: b.querySelector('.meta').textContent,
        };
      }),
      learnt: learnt && !learnt.hidden ? learnt.textContent.replace(/\s+/g, ' ').trim() : null,
      learntState: learnt?.dataset.state ?? null,
    };
  }, HOST);
}

// Straight runs across the canvas in fractions of its size, as the mouse draws them.
async function draw(strokes) {
  const [width, height] = await canvasSize(page);
  const scaled = strokes.map((points) => points.map(([x, y]) => [x * width, y * height]));
  return drawAndRecognize(page, scaled);
}
const line = (x0, y0, x1, y1, n = 10) => Array.from({ length: n + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
// A hooked arrow: a hook on the left, the shaft, the head. Arrows have long names (\hookrightarrow, \longrightarrow).
const hookArrow = [
  [...Array.from({ length: 8 }, (_, i) => [0.2 - 0.06 * Math.sin((i / 7) * Math.PI), 0.38 + 0.12 * (i / 7)]), ...line(0.2, 0.5, 0.85, 0.5).slice(1)],
  [...line(0.72, 0.38, 0.85, 0.5, 4), ...line(0.85, 0.5, 0.72, 0.62, 4).slice(1)],
];

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
  await openPanel(session);
  const arrow = await draw(hookArrow);
  assert.equal(arrow.state, 'ready', arrow.status);
  const shown = await panelDetails();
  const longest = Math.max(...shown.candidates.map((c) => c.command.length));
  console.log(`# hooked arrow: ${shown.candidates.map((c) => `${c.command} (${c.meta})`).join(', ')}`);
  assert.ok(longest >= 13, `some candidate has a long name: ${JSON.stringify(shown.candidates)}`);
  for (const c of shown.candidates) {
    assert.equal(c.shown, c.command, 'the whole command is in the row');
    assert.equal(c.cut, false, `${c.command} is not cut`);
  }
  if (process.env.TEXSKETCH_SCREENSHOT) await page.screenshot({ path: process.env.TEXSKETCH_SCREENSHOT });
  assert.deepEqual(await axeViolations(page, HOST), [], 'axe-core on the panel with candidates');

  // A clear plus: the candidates the model gives under 1 % are labelled so, not given a percentage.
  await draw([line(0.3, 0.5, 0.7, 0.5), line(0.5, 0.2, 0.5, 0.8)]);
  const plus = await panelDetails();
  assert.equal(plus.candidates[0].command, '+');
  assert.equal(plus.candidates[0].unlikely, 'false');
  const filler = plus.candidates.filter((c) => c.unlikely === 'true');
  assert.ok(filler.length >= 1, JSON.stringify(plus.candidates));
  for (const c of filler) assert.match(c.meta, /unlikely \(<1%\)$/);
  assert.ok(!plus.candidates.some((c) => / 0%$/.test(c.meta)), 'no candidate shown as a 0 % answer');
});

test('chromium_panel_correction_says_learnt_and_undo_forgets_it', { skip }, async () => {
  await openPanel(session);
  await draw([line(0.3, 0.5, 0.7, 0.5), line(0.5, 0.2, 0.5, 0.8)]);
  const third = (await panelDetails()).candidates[2].command;
  await clickInPanel(page, '.status');
  await page.keyboard.press('3');
  await waitForPanel(page, (s) => s.strokes === 0 && /Inserted/.test(s.status), 'the insertion');
  await page.waitForFunction((host) => document.querySelector(host).shadowRoot.querySelector('.learnt').dataset.state === 'learnt', HOST, { timeout: 5000 });
  const learnt = await panelDetails();
  assert.equal(learnt.learnt, `Learnt: this drawing \u2192 ${third} \u00b7 Undo`);
  const stored = async () => (await worker.evaluate(() => chrome.storage.local.get('personalSet'))).personalSet?.examples.length ?? 0;
  assert.equal(await stored(), 1);
  assert.deepEqual(await axeViolations(page, HOST), [], 'axe-core on the panel with the note');
  await clickInPanel(page, '.undo-learnt');
  await page.waitForFunction((host) => document.querySelector(host).shadowRoot.querySelector('.learnt').dataset.state === 'undone', HOST, { timeout: 5000 });
  assert.equal(await stored(), 0, 'Undo forgets the correction');
});

test('chromium_options_page_no_axe_violations_import_by_keyboard', { skip }, async () => {
  const options = await optionsPage();
  assert.deepEqual(await axeViolations(options), [], 'axe-core on the options page');
  await options.locator('#personal-export').focus();
  await options.keyboard.press('Tab');
  assert.equal(await options.evaluate(() => document.activeElement.textContent.trim()), 'Import…');
  const chooser = options.waitForEvent('filechooser', { timeout: 5000 });
  await options.keyboard.press('Enter');
  await chooser;
  await options.close();
  await page.bringToFront();
});
