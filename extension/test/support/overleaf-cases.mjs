// The editor cases of issue 10, shared by the Chromium and Firefox suites (e2e-overleaf-*.test.mjs): every way
// to Overleaf's editor, and every situation in which the real editor differs from a plain CodeMirror page.
// Each case opens the Overleaf-like test page (test-page/, switches in its URL), draws a real CROHME drawing,
// lets the built-in model answer (offline mode: no server needed), clicks a candidate and checks the editor's
// real state: which way was used, the document, the caret, the focus, the autocomplete and the next Enter.
// `session`: {page, projectUrl, togglePanel()} from the suite.
import assert from 'node:assert/strict';
import { crohmeDrawings, fitInto } from './fixtures.mjs';
import { canvasSize, clickInPanel, drawAndRecognize, editorState, panelState, selectInEditor, waitFor, waitForPanel } from './panel-driver.mjs';

const drawings = crohmeDrawings();

// extensions/bundle.ts in overleaf/overleaf: the keys of the `CodeMirror` object in the event detail.
export const OVERLEAF_EXPORTS = [
  'ChangeSet', 'Decoration', 'EditorSelection', 'EditorView', 'Prec', 'StateEffect', 'StateField', 'ViewPlugin',
  'WidgetType', 'hoverTooltip', 'keymap', 'syntaxTree', 'undo', 'redo', 'invertedEffects', 'isolateHistory',
];

// A person takes longer than this between choosing a symbol and pressing Enter; the autocomplete list opens
// 100 ms after a typing transaction (@codemirror/autocomplete's activateOnTypingDelay).
const SETTLE_MS = 400;
// TEXSKETCH_E2E_TRACE=1 prints the steps with their time, to see where a slow run spends it.
const T0 = Date.now();
const trace = (what) => process.env.TEXSKETCH_E2E_TRACE && console.log(`# ${((Date.now() - T0) / 1000).toFixed(1)} s ${what}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open the test project (`query`: the page's switches, `path`: e.g. '/detached') and wait for its editor. */
export async function openProject(session, { query = '', path = '' } = {}) {
  trace(`goto ${path}?${query}`);
  await session.page.goto(`${session.projectUrl}${path}${query ? `?${query}` : ''}`);
  trace('loaded');
  if (path === '/detached') {
    await waitFor(session.page, () => document.body?.dataset.pageReady === 'true', null, { what: 'the PDF window' });
    return;
  }
  await waitFor(session.page, () => document.body?.dataset.editorReady === 'true' && Boolean(window.__testPage?.view), null, {
    what: 'the test page editor',
  });
}

/**
 * Open the panel on a freshly loaded page. The content script runs at document_idle, which on a busy machine
 * can be seconds after the editor is up, and a toggle before that is lost: ask again, 6 times 5 s at most.
 */
export async function openPanel(session) {
  for (let attempt = 0; attempt < 6; attempt++) {
    if ((await panelState(session.page))?.open) return panelState(session.page);
    await session.togglePanel();
    try {
      return await waitForPanel(session.page, (s) => s.open, 'the panel to open', 5000);
    } catch {
      // not injected yet: try again
    }
  }
  throw new Error('the panel did not open after 6 attempts (30 s)');
}

/** Switch recognition to the built-in model through the panel's own settings (same storage as the options page). */
export async function useOfflineRecognition(session) {
  await openProject(session);
  await openPanel(session);
  await clickInPanel(session.page, '.settings-toggle');
  await waitForPanel(session.page, (s) => s.settingsOpen, 'the settings form');
  await session.page.evaluate(() => {
    const form = document.querySelector('#texsketch-panel-host').shadowRoot.querySelector('.settings');
    form.mode.value = 'offline';
    form.dispatchEvent(new Event('change'));
  });
  await waitForPanel(session.page, (s) => s.settingsNote === 'Saved.', 'the settings to be saved');
  await clickInPanel(session.page, '.settings-toggle');
}

let commandDrawing = null; // {index, candidate}: a drawing whose candidates include a LaTeX command

/** Draw a real drawing whose candidates include a `\name` command (what Overleaf's autocomplete reacts to). */
export async function drawCommand(session) {
  const { page } = session;
  const [width, height] = await canvasSize(page);
  const indexes = commandDrawing ? [commandDrawing.index] : drawings.map((_, i) => i);
  for (const index of indexes) {
    const shown = await drawAndRecognize(page, fitInto(drawings[index].strokes, width, height));
    assert.equal(shown.state, 'ready', shown.status);
    const candidate = shown.candidates.findIndex((c) => /^\\[A-Za-z]+$/.test(c.command));
    if (candidate !== -1) {
      commandDrawing = { index, candidate };
      return { shown, candidate, command: shown.candidates[candidate].command };
    }
  }
  throw new Error('no fixture drawing has a \\command among its candidates');
}

async function page$(page, fn, arg) {
  return page.evaluate(fn, arg ?? null);
}

/** Put the caret at `caret`, click the candidate, and wait until the panel says inserted or refused. */
export async function chooseAt(session, { caret, candidate, command }) {
  const { page } = session;
  await selectInEditor(page, caret, caret);
  await clickInPanel(page, `.candidate[data-command="${command.replace(/["\\]/g, '\\$&')}"]`);
  return waitForPanel(page, (s) => s.strategy !== null || s.refusal !== null, `the insertion of candidate ${candidate + 1}`);
}

/** After `$x ` (main.tex) or `$a ` (chapter.tex): where the caret goes, also after earlier insertions. */
export function gapIn(doc) {
  const match = /\$(x|a) /.exec(doc);
  return match.index + 3;
}

/**
 * Draw, insert at the gap in the open document and check it all: the way to the editor, the document, the
 * caret right after the command, the focus back in the editor, no autocomplete list, Overleaf's palette
 * event only when it was the way in, and that the next Enter starts a new line.
 */
export async function insertAndExpect(session, strategy) {
  const { page } = session;
  const before = await editorState(page);
  const palettesBefore = (await page$(page, () => window.__testPage.paletteEvents.length));
  trace('draw');
  const drawn = await drawCommand(session);
  trace('drawn');
  const caret = gapIn(before.doc);
  const panel = await chooseAt(session, { caret, ...drawn });
  assert.equal(panel.refusal, null, `refused: ${panel.status}`);
  const expected = before.doc.slice(0, caret) + drawn.command + before.doc.slice(caret);
  let after = await editorState(page);
  for (let i = 0; i < 50 && after.doc === before.doc; i++) {
    await sleep(20); // the palette event's listener runs after the panel's answer
    after = await editorState(page);
  }
  assert.equal(after.doc, expected, `document after inserting ${drawn.command}`);
  assert.equal(after.head, caret + drawn.command.length, 'caret right after the command');
  assert.equal(after.anchor, after.head, 'no selection left');
  assert.equal(after.focused, true, 'focus back in the editor');
  const palette = (await page$(page, () => window.__testPage.paletteEvents)).slice(palettesBefore);
  const paletteWay = strategy.startsWith('insert-symbol-event');
  assert.deepEqual(palette, paletteWay ? [drawn.command] : [], "Overleaf's palette event only as the last way");
  trace('inserted');
  await sleep(SETTLE_MS);
  assert.equal(await page$(page, () => window.__testPage.completionStatus()), null, 'no autocomplete list opened by the insertion');
  await page.keyboard.press('Enter');
  const entered = await editorState(page);
  // insertNewlineAndIndent drops the blanks right after the cursor (the test text has no indentation).
  const newline = `${expected.slice(0, after.head)}\n${expected.slice(after.head).replace(/^[ \t]+/, '')}`;
  assert.equal(entered.doc, newline, 'the next Enter starts a new line');
  assert.equal(entered.head, after.head + 1);
  // Last, so that a wrong document or a swallowed Enter is what a failure names first.
  assert.equal(panel.strategy, strategy, 'the way to the editor');
  return { ...drawn, caret, doc: entered.doc };
}

/** Draw, try to insert, and check the refusal: its code and message in the panel, and nothing changed. */
export async function refusalExpected(session, code, message) {
  const { page } = session;
  const before = await page$(page, () => ({ files: window.__testPage.files(), palette: window.__testPage.paletteEvents.length }));
  const drawn = await drawCommand(session);
  const caret = gapIn(before.files[await page$(page, () => window.__testPage.openDoc())]);
  const panel = await chooseAt(session, { caret, ...drawn });
  assert.equal(panel.strategy, null, 'nothing inserted');
  assert.equal(panel.refusal, code);
  assert.equal(panel.statusKind, 'error');
  assert.match(panel.status, message);
  assert.equal(panel.candidates.length, 5, 'the drawing and its candidates stay for a retry');
  await sleep(SETTLE_MS);
  const after = await page$(page, () => ({ files: window.__testPage.files(), palette: window.__testPage.paletteEvents.length }));
  assert.deepEqual(after.files, before.files, 'no document changed');
  assert.equal(after.palette, before.palette, "no palette event (Overleaf's symbol palette does not check read-only)");
  return drawn;
}

/** Click a file-tree entry the way a user does (`add`: Ctrl+click, a second selected entry). */
export async function clickFile(session, name, { add = false } = {}) {
  const { page } = session;
  const box = await page.evaluate((file) => {
    const r = document.querySelector(`.file-tree [data-file="${file}"]`).getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, name);
  if (add) await page.keyboard.down('Control');
  await page.mouse.click(box.x, box.y);
  if (add) await page.keyboard.up('Control');
}

// ---- the cases ----

/** The page sets Overleaf's traps: the exact exports, and typing a command opens a list that Enter accepts. */
export async function pageReproducesOverleaf(session) {
  const { page } = session;
  await openProject(session);
  assert.deepEqual(await page$(page, () => window.__testPage.exportKeys), OVERLEAF_EXPORTS);
  const doc = (await editorState(page)).doc;
  const caret = gapIn(doc);
  await selectInEditor(page, caret, caret);
  await page.keyboard.type('\\alph');
  await waitFor(page, () => window.__testPage.completionStatus() === 'active', null, { what: 'the autocomplete list', timeoutMs: 3000 });
  await page.keyboard.press('Enter');
  let accepted = await editorState(page);
  for (let i = 0; i < 50 && accepted.doc === `${doc.slice(0, caret)}\\alph${doc.slice(caret)}`; i++) {
    await sleep(20);
    accepted = await editorState(page);
  }
  assert.equal(accepted.doc, `${doc.slice(0, caret)}\\alpha${doc.slice(caret)}`, 'Enter accepted the completion, no new line');
  const events = await page$(page, () => window.__testPage.extensionEvents);
  await clickFile(session, 'chapter.tex');
  await waitFor(page, () => window.__testPage.openDoc() === 'chapter.tex', null, { what: 'chapter.tex' });
  assert.equal(await page$(page, () => window.__testPage.extensionEvents), events + 1, 'the event fires again for each opened document');
  await page$(page, () => window.dispatchEvent(new Event('editor:extension-loaded')));
  assert.equal(await page$(page, () => window.__testPage.extensionEvents), events + 2, 'and again on editor:extension-loaded');
}

export async function viaUnstableStore(session) {
  await openProject(session);
  await openPanel(session);
  const { shown } = await drawCommand(session);
  // Overleaf's CSP (img-src 'self' data: blob:) lets the previews load. Images finish loading after the list is
  // drawn, so wait (bounded) until each is complete: a loaded one has a width, one the CSP blocked is complete
  // and broken, with none.
  await waitFor(
    session.page,
    () => [...document.querySelector('#texsketch-panel-host').shadowRoot.querySelectorAll('img.preview')].every((img) => img.complete),
    null,
    { what: 'the preview images to load or fail', timeoutMs: 10_000 },
  );
  const loaded = await session.page.evaluate(() =>
    [...document.querySelector('#texsketch-panel-host').shadowRoot.querySelectorAll('img.preview')].map((img) => img.complete && img.naturalWidth > 0),
  );
  assert.deepEqual(loaded, shown.candidates.map(() => true), 'every preview image loaded under the CSP');
  await insertAndExpect(session, 'unstable-store');
}

export async function viaExtensionsEventAcrossDocuments(session) {
  const { page } = session;
  await openProject(session, { query: 'store=0' });
  await openPanel(session);
  const first = await insertAndExpect(session, 'extensions-event');
  // Overleaf keeps one EditorView and calls setState for each document: the event fires again, our plugin is
  // created again, and the text goes into the document now open.
  await clickFile(session, 'chapter.tex');
  await waitFor(page, () => window.__testPage.openDoc() === 'chapter.tex', null, { what: 'chapter.tex to open' });
  const second = await insertAndExpect(session, 'extensions-event');
  const files = await page$(page, () => window.__testPage.files());
  assert.equal(files['main.tex'], first.doc, 'main.tex kept its insertion and nothing else');
  assert.equal(files['chapter.tex'], second.doc);
  // Another extension asks Overleaf to re-emit (editor:extension-loaded): the compartment is reconfigured.
  await page$(page, () => window.dispatchEvent(new Event('editor:extension-loaded')));
  await insertAndExpect(session, 'extensions-event');
}

export async function viaFindFromDom(session) {
  await openProject(session, { query: 'store=0&extensions=ignore' });
  await openPanel(session);
  await insertAndExpect(session, 'findFromDOM');
  await diffViewerUntouched(session);
}

export async function viaCmViewOnTheMainEditorOnly(session) {
  await openProject(session, { query: 'store=0&extensions=0' });
  await openPanel(session);
  await insertAndExpect(session, 'dom-cmView');
  await diffViewerUntouched(session);
}

export async function viaCmTileWithNewerCodeMirror(session) {
  await openProject(session, { query: 'view=next' });
  await openPanel(session);
  await insertAndExpect(session, 'unstable-store');
  await openProject(session, { query: 'view=next&store=0&extensions=0' });
  await openPanel(session);
  await insertAndExpect(session, 'dom-cmTile');
  await diffViewerUntouched(session);
}

export async function viaInsertSymbolEventLast(session) {
  await openProject(session, { query: 'store=0&extensions=0&backpointer=0' });
  await openPanel(session);
  await insertAndExpect(session, 'insert-symbol-event');
  await diffViewerUntouched(session);
}

async function diffViewerUntouched(session) {
  const diff = await session.page.evaluate(() => window.__testPage.diffView.state.doc.toString());
  assert.equal(diff, '% An older version of main.tex (history)\n\\documentclass{article}\n', 'the history diff viewer is untouched');
}

const READ_ONLY = /Could not insert \\[A-Za-z]+: this document is read-only/;
const HIDDEN = /Could not insert \\[A-Za-z]+: the editor is hidden/;

export async function readOnlyForAViewer(session) {
  await openProject(session, { query: 'readonly=1' });
  await openPanel(session);
  await refusalExpected(session, 'read-only', READ_ONLY);
  // The same with no way but the palette event, which Overleaf's palette would apply even to a locked editor.
  await openProject(session, { query: 'readonly=1&store=0&extensions=0&backpointer=0' });
  await openPanel(session);
  await refusalExpected(session, 'read-only', READ_ONLY);
}

export async function readOnlyWhileSavingFails(session) {
  const { page } = session;
  await openProject(session);
  await openPanel(session);
  await page$(page, () => window.__testPage.setEditable(false)); // use-codemirror-scope.ts locks the editor
  await refusalExpected(session, 'read-only', READ_ONLY);
  await page$(page, () => window.__testPage.setEditable(true)); // saving works again
  await insertAndExpect(session, 'unstable-store');
}

export async function hiddenEditorIsRefused(session) {
  const { page } = session;
  await openProject(session);
  await openPanel(session);
  await clickFile(session, 'figure.png');
  await waitFor(page, () => document.querySelector('.ide-redesign-editor-content').classList.contains('hidden'), null, { what: 'the hidden editor' });
  await refusalExpected(session, 'hidden', HIDDEN);
  await clickFile(session, 'main.tex');
  await clickFile(session, 'chapter.tex', { add: true }); // two files selected: hidden as well
  await waitFor(page, () => document.querySelector('.ide-redesign-editor-content').classList.contains('hidden'), null, { what: 'the hidden editor' });
  await refusalExpected(session, 'hidden', HIDDEN);
  await clickFile(session, 'main.tex');
  await insertAndExpect(session, 'unstable-store');
}

export async function noPanelInThePdfOnlyWindow(session) {
  const { page } = session;
  // Control: on the project page the same toggle opens the panel.
  await openProject(session);
  await openPanel(session);
  await openProject(session, { path: '/detached' });
  for (let i = 0; i < 3; i++) {
    await session.togglePanel();
    await sleep(500);
  }
  const seen = await page.evaluate(() => ({
    panel: Boolean(document.querySelector('#texsketch-panel-host')),
    mainWorld: Boolean(window.__texsketchMainWorld),
  }));
  assert.deepEqual(seen, { panel: false, mainWorld: false }, 'neither the panel nor the editor script on /detached');
}

/**
 * The extension without its MAIN-world script (`buildForTest(..., {withoutMainWorld: true})`): the panel's
 * own last resort sends Overleaf's palette event from the isolated world (cloneInto on Firefox, so the page can
 * read it), after the same read-only and hidden checks on the shared DOM.
 */
export async function isolatedWorldLastResort(session) {
  const { page } = session;
  await openProject(session);
  assert.equal(await page$(page, () => Boolean(window.__texsketchMainWorld)), false, 'no MAIN-world script in this build');
  await openPanel(session);
  await insertAndExpect(session, 'insert-symbol-event (isolated)');
  await page$(page, () => window.__testPage.setEditable(false));
  await refusalExpected(session, 'read-only', READ_ONLY);
  await page$(page, () => window.__testPage.setEditable(true));
  await clickFile(session, 'figure.png');
  await refusalExpected(session, 'hidden', HIDDEN);
}
