// The personal-example scenario (issue 12) shared by the Chromium and Firefox suites: a correction from place 3
// answers first next time, a personal symbol taught in the panel with three drawings appears and inserts its
// snippet, and the request log (support/recording-proxy.mjs) holds nothing personal.
import assert from 'node:assert/strict';
import { clickInPanel, editorState, panelState, waitForPanel } from './panel-driver.mjs';
import { drawFixture, insertAndCheck, openPanel } from './scenario.mjs';

export const CORRECTED = 3; // fixture drawings used (support/fixtures.mjs)
export const TAUGHT = 5;
export const SNIPPET = '\\R';

const endCaret = async (page) => {
  const at = (await editorState(page)).doc.indexOf('\\end{document}');
  return [at, at];
};

/** First answer B; the user picks A from place 3; the same drawing again answers A first. */
export async function correctionAnswersFirstNextTime(session) {
  const { page } = session;
  await openPanel(session);
  const first = await drawFixture(page, CORRECTED);
  assert.equal(first.state, 'ready', first.status);
  assert.equal(first.candidates.length, 5);
  const [b, , a] = first.candidates;
  assert.notEqual(a.id, b.id);
  await insertAndCheck(page, { index: 2, selection: await endCaret(page) });
  let again;
  for (let attempt = 0; attempt < 3; attempt++) {
    again = await drawFixture(page, CORRECTED);
    if (again.candidates[0]?.id === a.id) break; // the correction is stored asynchronously, within milliseconds
  }
  assert.equal(again.candidates[0].id, a.id, `${a.command} (was third after ${b.command}) answers first now`);
  assert.equal(again.candidates[1].id, b.id, `${b.command} moves to second`);
  return { a, b };
}

async function typeSnippet(page, snippet) {
  await page.evaluate((text) => {
    const form = document.querySelector('#texsketch-panel-host').shadowRoot.querySelector('.teach');
    form.snippet.value = text;
  }, snippet);
}

function taughtCount(page) {
  return page.evaluate(() => Number(document.querySelector('#texsketch-panel-host').shadowRoot.querySelector('.teach').dataset.kept ?? 0));
}

/** Teach SNIPPET with three drawings in the panel; then drawing it shows it as a candidate that inserts it. */
export async function personalSymbolAfterThreeDrawings(session) {
  const { page } = session;
  await openPanel(session);
  const before = await drawFixture(page, TAUGHT);
  assert.ok(!before.candidates.some((c) => c.command === SNIPPET), 'not a candidate before teaching');
  await clickInPanel(page, '.teach-toggle');
  await typeSnippet(page, SNIPPET);
  for (let i = 1; i <= 3; i++) {
    await drawFixture(page, TAUGHT);
    await clickInPanel(page, '.keep');
    if (i < 3) assert.equal(await taughtCount(page), i);
  }
  await waitForPanel(page, (s) => /Learnt/.test(s.status), 'the personal symbol to be stored');
  const shown = await drawFixture(page, TAUGHT);
  const index = shown.candidates.findIndex((c) => c.command === SNIPPET);
  assert.notEqual(index, -1, `${SNIPPET} among ${shown.candidates.map((c) => c.command)}`);
  const inserted = await insertAndCheck(page, { index, selection: await endCaret(page) });
  assert.equal(inserted.command, SNIPPET);
  assert.ok((await editorState(page)).doc.includes(`${SNIPPET}\\end{document}`) || (await editorState(page)).doc.includes(SNIPPET));
  return shown;
}

/** With the feedback switch off, the server's request log shows recognition requests only, nothing personal. */
export function assertNothingPersonalSent(log) {
  assert.ok(log.some((r) => r.path === '/predict'), 'the server did answer recognitions');
  for (const entry of log) {
    assert.notEqual(entry.path, '/feedback', 'no feedback with the switch off');
    if (entry.method === 'POST') {
      assert.equal(entry.path, '/predict');
      assert.deepEqual(Object.keys(JSON.parse(entry.body)).sort(), ['embedding', 'k', 'strokes']);
    }
    assert.ok(!entry.body.includes('\\\\R') && !entry.body.includes('personal'), `nothing personal in ${entry.path}`);
  }
}

export { panelState };
