// window.postMessage protocol between the isolated content script (panel) and the MAIN-world script (editor
// access). Both worlds see every window message, so each side tags what it sends and reads only the other tag.

export const TO_MAIN = 'texsketch:to-main';
export const FROM_MAIN = 'texsketch:from-main';

export const ACTIONS = Object.freeze({
  PING: 'ping', // -> {strategy, refusal}: which way the editor would be reached now, or why it cannot take text
  INSERT: 'insert', // {text} -> {strategy}: text replaces the selection, cursor after it, editor focused
  READ_DOC: 'read-doc', // -> {text|null}: the document head (enough for the preamble)
  ADD_PACKAGE: 'add-package', // {pkg} -> {added: boolean}
});

// A failed request answers {ok: false, error, code}: `code` is one of overleaf-page.js's REFUSALS when the
// editor must not take text (read-only, hidden, absent), else null.

// The ways to the editor, in the order content/main-world.js tries them; the isolated world's own last resort
// (no answer from the MAIN world) is ISOLATED_INSERT_SYMBOL.
export const STRATEGIES = Object.freeze({
  STORE: 'unstable-store',
  EXTENSIONS_EVENT: 'extensions-event',
  FIND_FROM_DOM: 'findFromDOM',
  CM_VIEW: 'dom-cmView',
  CM_TILE: 'dom-cmTile',
  INSERT_SYMBOL: 'insert-symbol-event',
  ISOLATED_INSERT_SYMBOL: 'insert-symbol-event (isolated)',
});

// The preamble is at the top; reading at most this much keeps huge documents cheap to message.
export const DOC_HEAD_CHARS = 50_000;
