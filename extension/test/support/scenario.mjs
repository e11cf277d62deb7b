// The end-to-end scenario shared by the Chromium and Firefox suites: what a user does in Overleaf with the
// panel, checked against the editor's real document. `session` supplies the browser-specific parts:
// `page` (the project page), `setOptions({mode, serverUrl})` (through the options page UI) and `togglePanel()`.
import assert from 'node:assert/strict';
import { crohmeDrawings, fitInto } from './fixtures.mjs';
import {
  canvasSize,
  clickInPanel,
  drawAndRecognize,
  editorState,
  panelState,
  selectInEditor,
  waitForPanel,
} from './panel-driver.mjs';

export const drawings = crohmeDrawings();

// Pen-up to candidates on screen (the panel's own measurement), by who answered: the README's numbers.
export const latencies = { server: [], offline: [] };

export async function drawFixture(page, index) {
  const [width, height] = await canvasSize(page);
  const shown = await drawAndRecognize(page, fitInto(drawings[index].strokes, width, height));
  // Every stroke must land on the canvas (a panel that moves while it is drawn on would lose some).
  assert.equal(shown.strokes, drawings[index].strokes.length, `strokes of the drawn ${drawings[index].label}`);
  if (shown.state === 'ready' && shown.statusKind !== 'notice') latencies[shown.answeredBy]?.push(shown.latencyMs);
  return shown;
}

/** One line per mode: count, median, range; written to $TEXSKETCH_LATENCY_REPORT (JSON) when set. */
export async function reportLatencies(browserName) {
  const { appendFileSync } = await import('node:fs');
  const lines = [];
  for (const [mode, values] of Object.entries(latencies)) {
    if (!values.length) continue;
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    const summary = { browser: browserName, mode, n: sorted.length, median, min: sorted[0], max: sorted.at(-1), first: values[0] };
    lines.push(summary);
    console.log(`# ${browserName} pen-up to candidates, ${mode}: ${JSON.stringify(summary)}`);
  }
  if (process.env.TEXSKETCH_LATENCY_REPORT) {
    appendFileSync(process.env.TEXSKETCH_LATENCY_REPORT, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }
}

export async function openPanel(session) {
  const before = await panelState(session.page);
  if (!before?.open) await session.togglePanel();
  return waitForPanel(session.page, (s) => s.open, 'the panel to open');
}

/** Click candidate `index` (or press its key) and check the editor: selection replaced, caret after, focused. */
export async function insertAndCheck(page, { index = 0, useKey = false, selection }) {
  const before = await editorState(page);
  await selectInEditor(page, selection[0], selection[1]);
  const shown = await panelState(page);
  assert.ok(shown.candidates.length >= index + 1, `candidate ${index + 1} shown: ${JSON.stringify(shown)}`);
  const command = shown.candidates[index].command;
  if (useKey) {
    await clickInPanel(page, '.status'); // focus the panel the way a user does after drawing (keys go there)
    await page.keyboard.press(String(index + 1));
  } else {
    await clickInPanel(page, `.candidate[data-command="${CSS_ESCAPE(command)}"]`);
  }
  const expected = before.doc.slice(0, selection[0]) + command + before.doc.slice(selection[1]);
  let after;
  for (let i = 0; i < 100; i++) {
    after = await editorState(page);
    if (after.doc !== before.doc) break;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  assert.equal(after.doc, expected, `document after inserting ${command}`);
  assert.equal(after.head, selection[0] + command.length, 'caret right after the command');
  assert.equal(after.anchor, after.head, 'no selection left');
  assert.equal(after.focused, true, 'focus back in the editor');
  return { command, after, panel: await panelState(page) };
}

// Commands such as \| or \{ hold characters that are special in CSS selectors.
function CSS_ESCAPE(text) {
  return text.replace(/["\\]/g, '\\$&');
}

/** Where the test document's `$x  y$` is: [start of x, end of x]. */
export function xInMath(doc) {
  const at = doc.indexOf('$x  y$') + 1;
  return [at, at + 1];
}
