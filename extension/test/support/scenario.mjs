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
  assert.equal(shown.pointerType, 'mouse');
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

/** Undo removes the last stroke and the rest is recognized again; Clear empties drawing and candidates. */
export async function undoAndClear(session) {
  const { page } = session;
  await openPanel(session);
  const index = drawings.findIndex((d) => d.strokes.length >= 2);
  const count = drawings[index].strokes.length;
  const shown = await drawFixture(page, index);
  await clickInPanel(page, '.undo');
  const undone = await waitForPanel(
    page,
    (s) => s.strokes === count - 1 && s.answers > shown.answers && s.state === 'ready',
    'the undone drawing to be recognized again',
  );
  assert.equal(undone.candidates.length, 5, `the rest of the drawing is recognized again: ${JSON.stringify(undone)}`);
  await clickInPanel(page, '.clear');
  const cleared = await waitForPanel(page, (s) => s.strokes === 0, 'clear');
  assert.equal(cleared.state, 'empty', JSON.stringify(cleared));
  assert.equal(cleared.candidates.length, 0);
}

/**
 * Insert a candidate whose package the test document does not load: the hint names it, and its button adds
 * `\usepackage{...}` right after `\documentclass`. Real drawings give real candidates, so the drawing is
 * searched for, not assumed.
 */
export async function packageHint(session) {
  const { page } = session;
  await openPanel(session);
  const loaded = ['amsmath'];
  let found = null;
  for (let i = 0; i < drawings.length && !found; i++) {
    const shown = await drawFixture(page, i);
    const index = shown.candidates.findIndex((c) => c.pkg && !loaded.includes(c.pkg));
    if (index !== -1) found = { index, pkg: shown.candidates[index].pkg };
  }
  assert.ok(found, 'some real drawing has a candidate that needs a package');
  const caret = (await editorState(page)).doc.indexOf('\\end{document}');
  const { panel } = await insertAndCheck(page, { index: found.index, selection: [caret, caret] });
  const hinted = panel.hint ? panel : await waitForPanel(page, (s) => s.hint !== null, 'the package hint');
  assert.equal(hinted.hintPkg, found.pkg);
  assert.ok(hinted.hint.includes(`\\usepackage{${found.pkg}}`), hinted.hint);
  await clickInPanel(page, '.add-package');
  let doc;
  for (let i = 0; i < 50 && !doc?.includes(`\\usepackage{${found.pkg}}`); i++) {
    doc = (await editorState(page)).doc;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  assert.ok(doc.startsWith(`\\documentclass[11pt]{article}\n\\usepackage{${found.pkg}}\n\\usepackage{amsmath}`), doc);
}
