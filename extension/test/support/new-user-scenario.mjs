// What a new user tripped over in the panel (issue 24), shared by the Chromium and Firefox suites: commands shown
// in full, candidates under 1 % marked "unlikely", a correction that says "Learnt: this drawing -> ... · Undo" and
// whose Undo forgets it, and axe-core on the panel. Only page.evaluate, page.mouse and page.keyboard, which
// Playwright and Puppeteer share (support/panel-driver.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { canvasSize, clickInPanel, drawAndRecognize, waitFor, waitForPanel } from './panel-driver.mjs';
import { openPanel } from './scenario.mjs';

const HOST = '#texsketch-panel-host';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on `page` (only inside `include`, a selector, when given), and its
 * empty table headers (a "minor" rule issue 24 names): [[rule, impact, nodes, first target], ...].
 */
export async function axeViolations(page, include) {
  await page.evaluate(AXE);
  const result = await page.evaluate(
    (selector) => window.axe.run(selector ? { include: [selector] } : document, { resultTypes: ['violations'] }),
    include ?? null,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'empty-table-header')
    .map((v) => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')]);
}

/**
 * From the panel's own focus, press Tab once per visible control of the panel and list the controls never reached:
 * every button, link and field of the panel must be reachable by keyboard, in order, without leaving it.
 */
export async function panelControlsUnreachableByTab(page) {
  const count = await page.evaluate((host) => {
    const shadow = document.querySelector(host).shadowRoot;
    window.__tabbed = new Set();
    shadow.addEventListener('focusin', (event) => window.__tabbed.add(event.composedPath()[0]));
    shadow.querySelector('.panel').focus();
    window.__controls = [...shadow.querySelectorAll('button, a[href], input, select, textarea')].filter(
      (el) => !el.disabled && el.getClientRects().length > 0,
    );
    return window.__controls.length;
  }, HOST);
  for (let i = 0; i < count; i++) await page.keyboard.press('Tab');
  return page.evaluate(() =>
    window.__controls.filter((el) => !window.__tabbed.has(el)).map((el) => el.className || el.textContent.trim().slice(0, 30)),
  );
}

export function panelDetails(page) {
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

// Strokes in fractions of the canvas, drawn with the mouse.
async function draw(page, strokes) {
  const [width, height] = await canvasSize(page);
  return drawAndRecognize(page, strokes.map((points) => points.map(([x, y]) => [x * width, y * height])));
}
const line = (x0, y0, x1, y1, n = 10) => Array.from({ length: n + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
const PLUS = [line(0.3, 0.5, 0.7, 0.5), line(0.5, 0.2, 0.5, 0.8)];
// A hooked arrow: a hook on the left, the shaft, the head. Arrows have long names (\hookrightarrow, \longmapsto).
const HOOK_ARROW = [
  [...Array.from({ length: 8 }, (_, i) => [0.2 - 0.06 * Math.sin((i / 7) * Math.PI), 0.38 + 0.12 * (i / 7)]), ...line(0.2, 0.5, 0.85, 0.5).slice(1)],
  [...line(0.72, 0.38, 0.85, 0.5, 4), ...line(0.85, 0.5, 0.72, 0.62, 4).slice(1)],
];

/** A hooked arrow's five commands shown in full; a plus's filler candidates marked "unlikely (<1%)"; no axe finding. */
export async function commandsInFullAndUnlikelyMarked(session, { screenshot } = {}) {
  const { page } = session;
  await openPanel(session);
  const arrow = await draw(page, HOOK_ARROW);
  assert.equal(arrow.state, 'ready', arrow.status);
  const shown = await panelDetails(page);
  console.log(`# hooked arrow: ${shown.candidates.map((c) => `${c.command} (${c.meta})`).join(', ')}`);
  assert.ok(Math.max(...shown.candidates.map((c) => c.command.length)) >= 13, `a long name among ${JSON.stringify(shown.candidates)}`);
  for (const c of shown.candidates) {
    assert.equal(c.shown, c.command, 'the whole command is in the row');
    assert.equal(c.cut, false, `${c.command} is not cut`);
  }
  if (screenshot) await screenshot();
  assert.deepEqual(await axeViolations(page, HOST), [], 'axe-core on the panel with candidates');
  assert.deepEqual(await panelControlsUnreachableByTab(page), [], 'every control of the panel reachable with Tab');

  await draw(page, PLUS);
  const plus = await panelDetails(page);
  assert.equal(plus.candidates[0].command, '+');
  assert.equal(plus.candidates[0].unlikely, 'false');
  const filler = plus.candidates.filter((c) => c.unlikely === 'true');
  assert.ok(filler.length >= 1, JSON.stringify(plus.candidates));
  for (const c of filler) assert.match(c.meta, /unlikely \(<1%\)$/);
  assert.ok(!plus.candidates.some((c) => / 0%$/.test(c.meta)), 'no candidate shown as a 0 % answer');
}

/**
 * Key 3 on a plus records a correction: the panel says "Learnt: this drawing -> <third> · Undo"; the same plus then
 * answers <third> first; Undo forgets it, and the plus answers "+" first again.
 */
export async function correctionSaysLearntAndUndoForgetsIt(session) {
  const { page } = session;
  await openPanel(session);
  await draw(page, PLUS);
  const third = (await panelDetails(page)).candidates[2].command;
  await clickInPanel(page, '.status');
  await page.keyboard.press('3');
  await waitForPanel(page, (s) => s.strokes === 0 && /Inserted/.test(s.status), 'the insertion');
  const learntState = () => page.evaluate((host) => document.querySelector(host).shadowRoot.querySelector('.learnt').dataset.state ?? null, HOST);
  await waitFor(page, (host) => document.querySelector(host).shadowRoot.querySelector('.learnt')?.dataset.state === 'learnt', HOST, {
    timeoutMs: 5000,
    what: 'the "Learnt" note',
  });
  assert.equal((await panelDetails(page)).learnt, `Learnt: this drawing \u2192 ${third} \u00b7 Undo`);
  assert.deepEqual(await axeViolations(page, HOST), [], 'axe-core on the panel with the note');
  // The note shows until the next drawing; Undo there forgets the correction.
  await clickInPanel(page, '.undo-learnt');
  await waitFor(page, (host) => document.querySelector(host).shadowRoot.querySelector('.learnt').dataset.state === 'undone', HOST, {
    timeoutMs: 5000,
    what: 'Undo',
  });
  assert.equal(await learntState(), 'undone');
  const again = await draw(page, PLUS);
  assert.equal(again.candidates[0].command, '+', `after Undo the plus is answered "+" first again, not ${third}`);
  return third;
}
