// "Not sure" in the panel (issue 13), end to end in real Chromium with the built extension on the Overleaf-like
// page: a scribble keeps its five candidates but the panel says "Not sure: draw it again or search" with a "None of
// these?" link to the server's search, in server mode and offline (same flag from the same model outputs); a
// clear plus is answered without doubt; every preview is shown in one frame size (true relative sizes).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { backendMissing, startBackend } from './support/backend.mjs';
import { buildForTest } from './support/extension-build.mjs';
import { startPageServer } from './support/page-server.mjs';
import { canvasSize, drawAndRecognize, waitForEditor } from './support/panel-driver.mjs';
import { openPanel } from './support/scenario.mjs';
import { startAll } from './support/start-all.mjs';
import { launchChromiumWithExtension } from './support/chromium-extension.mjs';

const HOST = '#texsketch-panel-host';
const skip = backendMissing() ?? false;

let build;
let pageServer;
let backend;
let context;
let profile;
let worker;
let extensionId;
let page;

async function setOptions({ mode, serverUrl }) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options/options.html`);
  await options.waitForFunction(() => document.querySelector('input[name=serverUrl]').value !== '');
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

function certainty() {
  return page.evaluate((host) => {
    const shadow = document.querySelector(host).shadowRoot;
    const note = shadow.querySelector('.unsure');
    return {
      notSure: shadow.querySelector('.panel').dataset.notSure ?? null,
      noteShown: !note.hidden,
      note: note.textContent.replace(/\s+/g, ' ').trim(),
      link: shadow.querySelector('.none-of-these').getAttribute('href'),
      previewBoxes: [...shadow.querySelectorAll('img.preview')].map((img) => `${img.clientWidth}x${img.clientHeight}`),
    };
  }, HOST);
}

// A tangle of straight runs across the canvas, as a user crossing something out draws it.
async function scribble() {
  const [width, height] = await canvasSize(page);
  const corners = [[0.1, 0.2], [0.9, 0.3], [0.15, 0.6], [0.8, 0.85], [0.3, 0.1], [0.6, 0.9], [0.2, 0.85], [0.9, 0.55], [0.1, 0.4], [0.7, 0.15]];
  const points = [];
  for (let i = 0; i + 1 < corners.length; i++) {
    for (let t = 0; t < 5; t++) {
      const [a, b] = [corners[i], corners[i + 1]];
      points.push([(a[0] + ((b[0] - a[0]) * t) / 5) * width, (a[1] + ((b[1] - a[1]) * t) / 5) * height]);
    }
  }
  return drawAndRecognize(page, [points]);
}

async function plus() {
  const [width, height] = await canvasSize(page);
  const line = (x0, y0, x1, y1) => Array.from({ length: 8 }, (_, t) => [(x0 + ((x1 - x0) * t) / 7) * width, (y0 + ((y1 - y0) * t) / 7) * height]);
  return drawAndRecognize(page, [line(0.3, 0.5, 0.7, 0.5), line(0.5, 0.2, 0.5, 0.8)]);
}

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
});

after(async () => {
  await context?.close();
  await Promise.all([backend?.stop(), pageServer?.close()]);
  build?.remove();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

for (const mode of ['server', 'offline']) {
  test(`chromium_panel_scribble_is_not_sure_with_a_way_to_search_${mode}`, { skip }, async () => {
    await setOptions({ mode, serverUrl: backend.url });
    await openPanel(session);
    const shown = await scribble();
    assert.equal(shown.state, 'ready', shown.status);
    assert.equal(shown.answeredBy, mode);
    assert.equal(shown.candidates.length, 5, 'the top-5 is still shown');
    const state = await certainty();
    assert.equal(state.notSure, 'true');
    assert.ok(state.noteShown);
    assert.equal(state.note, 'Not sure: draw it again or search. None of these?');
    await page.waitForFunction((host) => document.querySelector(host).shadowRoot.querySelector('.none-of-these').href, HOST);
    assert.equal((await certainty()).link, `${backend.url}/#search`);
    if (mode === 'server' && process.env.TEXSKETCH_NOT_SURE_SCREENSHOT) {
      await page.screenshot({ path: process.env.TEXSKETCH_NOT_SURE_SCREENSHOT });
    }

    const clear = await plus();
    assert.equal(clear.candidates[0].command, '+');
    const after = await certainty();
    assert.equal(after.notSure, 'false');
    assert.equal(after.noteShown, false);
    assert.equal(new Set(after.previewBoxes).size, 1, `one frame size for every preview: ${after.previewBoxes}`);
  });
}
