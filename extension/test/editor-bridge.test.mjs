// The isolated world's request/response protocol with the MAIN-world script, over a window's postMessage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditorBridge } from '../src/content/editor-bridge.js';
import { ACTIONS, FROM_MAIN, TO_MAIN } from '../src/shared/bridge-protocol.js';

// A window as far as the bridge uses one: an event target whose postMessage delivers to itself, async.
class LoopbackWindow extends EventTarget {
  location = { origin: 'https://www.overleaf.com' };
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
      win.postMessage({ tag: FROM_MAIN, id, ok: false, error: error.message }, win.location.origin);
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
