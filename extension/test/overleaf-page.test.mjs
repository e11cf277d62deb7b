// Which Overleaf pages are project windows with an editor (shared/overleaf-page.js); the DOM checks run in
// the end-to-end suites against the Overleaf-like test page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditorRefusal, isDetachedPdfWindow, REFUSALS } from '../src/shared/overleaf-page.js';

const at = (url) => new URL(url);

test('isDetachedPdfWindow_is_true_only_for_the_pdf_only_window', () => {
  for (const url of [
    'https://www.overleaf.com/project/5f0c0ffee0000000000000e2e/detached',
    'https://www.overleaf.com/project/5f0c0ffee0000000000000e2e/detached/',
    'https://www.overleaf.com/Project/5f0c0ffee0000000000000e2e/detached?x=1', // router.mjs: /Project/:id/detached
  ]) {
    assert.equal(isDetachedPdfWindow(at(url)), true, url);
  }
  for (const url of [
    'https://www.overleaf.com/project/5f0c0ffee0000000000000e2e',
    'https://www.overleaf.com/project/5f0c0ffee0000000000000e2e/detacher', // the editor window that opened it
    'https://www.overleaf.com/project/detached', // a project id, not the PDF window
  ]) {
    assert.equal(isDetachedPdfWindow(at(url)), false, url);
  }
});

test('EditorRefusal_carries_its_code_and_a_message_for_the_panel', () => {
  for (const code of Object.values(REFUSALS)) {
    const refusal = new EditorRefusal(code);
    assert.equal(refusal.code, code);
    assert.match(refusal.message, /Nothing was changed|nothing was changed/);
  }
});
