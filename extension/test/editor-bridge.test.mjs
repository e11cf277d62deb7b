// The isolated world's request/response protocol with the MAIN-world script, over a window's postMessage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditorBridge } from '../src/content/editor-bridge.js';
import { ACTIONS, FROM_MAIN, TO_MAIN } from '../src/shared/bridge-protocol.js';
import { REFUSALS } from '../src/shared/overleaf-page.js';

// The page's main editor as far as the isolated world's checks read it (shared/overleaf-page.js): found under
// Overleaf's editor container, laid out, and with CodeMirror's read-only attributes on its content element.
function pageWithEditor({ readOnly = false, hidden = false, present = true } = {}) {
  const content = { getAttribute: (name) => ({ 'aria-readonly': readOnly ? 'true' : null, contenteditable: String(!readOnly) })[name] };
  const editor = {
    isConnected: true,
    closest: (selector) => (hidden && selector.includes('.hidden') ? {} : null),
    getClientRects: () => (hidden ? [] : [{}]),
    querySelector: (selector) => (selector === '.cm-content' ? content : null),
  };
  return { querySelector: (selector) => (present && selector === '.ide-redesign-editor-content .cm-editor' ? editor : null) };
}

// A window as far as the bridge uses one: an event target whose postMessage delivers to itself, async.
class LoopbackWindow extends EventTarget {
  location = { origin: 'https://www.overleaf.com' };
  document = pageWithEditor();
  postMessage(data, targetOrigin) {
    assert.equal(targetOrigin, this.location.origin, 'messages stay on the page origin');
    setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: structuredClone(data) })), 0);
  }
  dispatchEvent(event) {
    if (event.type === 'message') Object.defineProperty(event, 'source', { value: this });
    return super.dispatchEvent(event);
  }
}

function answerAsMainWorld(win, handler) {
  win.addEventListener('message', (event) => {
    if (event.data?.tag !== TO_MAIN) return;
    const { id } = event.data;
    try {
      win.postMessage({ tag: FROM_MAIN, id, ok: true, result: handler(event.data) }, win.location.origin);
    } catch (error) {
      win.postMessage({ tag: FROM_MAIN, id, ok: false, error: error.message, code: error.code ?? null }, win.location.origin);
    }
  });
}

test('bridge_insert_resolves_with_the_main_world_strategy', async () => {
  const win = new LoopbackWindow();
  const seen = [];
  answerAsMainWorld(win, (message) => {
    seen.push(message);
    return { strategy: 'extensions-event' };
  });
  const bridge = new EditorBridge(win);
  assert.equal(await bridge.insert('\\alpha'), 'extensions-event');
  assert.equal(seen[0].action, ACTIONS.INSERT);
  assert.equal(seen[0].text, '\\alpha');
});

test('bridge_reports_main_world_errors', async () => {
  const win = new LoopbackWindow();
  answerAsMainWorld(win, () => {
    throw new Error('no editor on this page');
  });
  await assert.rejects(new EditorBridge(win).insert('\\beta'), /no editor on this page/);
  assert.equal(await new EditorBridge(win).readDoc(), null, 'an unreadable document is null, not an error');
});

test('bridge_without_main_world_falls_back_to_overleafs_insert_symbol_event', async () => {
  const win = new LoopbackWindow();
  const inserted = [];
  win.addEventListener('editor:insert-symbol', (event) => inserted.push(event.detail.command));
  const bridge = new EditorBridge(win, { timeoutMs: 50 });
  assert.equal(await bridge.insert('\\gamma'), 'insert-symbol-event (isolated)');
  assert.deepEqual(inserted, ['\\gamma']);
});

test('bridge_ignores_answers_meant_for_other_requests', async () => {
  const win = new LoopbackWindow();
  const bridge = new EditorBridge(win, { timeoutMs: 200 });
  win.postMessage({ tag: FROM_MAIN, id: 'someone-else', ok: true, result: { text: 'spoof' } }, win.location.origin);
  answerAsMainWorld(win, () => ({ text: '\\documentclass{article}' }));
  assert.equal(await bridge.readDoc(), '\\documentclass{article}');
});

test('bridge_main_world_refusal_rejects_with_its_code_and_message', async () => {
  const win = new LoopbackWindow();
  answerAsMainWorld(win, () => {
    throw Object.assign(new Error('ignored: the message comes from the code'), { code: REFUSALS.READ_ONLY });
  });
  await assert.rejects(new EditorBridge(win).insert('\\alpha'), (error) => {
    assert.equal(error.code, REFUSALS.READ_ONLY);
    assert.match(error.message, /read-only/);
    return true;
  });
});

test('bridge_without_main_world_refuses_a_read_only_hidden_or_missing_editor_and_sends_no_event', async () => {
  for (const [page, code] of [
    [pageWithEditor({ readOnly: true }), REFUSALS.READ_ONLY],
    [pageWithEditor({ hidden: true }), REFUSALS.HIDDEN],
    [pageWithEditor({ present: false }), REFUSALS.NO_EDITOR],
  ]) {
    const win = new LoopbackWindow();
    win.document = page;
    const inserted = [];
    win.addEventListener('editor:insert-symbol', (event) => inserted.push(event.detail.command));
    await assert.rejects(new EditorBridge(win, { timeoutMs: 30 }).insert('\\gamma'), (error) => error.code === code);
    assert.deepEqual(inserted, [], `no palette event when the editor is ${code}`);
  }
});
