// window.postMessage protocol between the isolated content script (panel) and the MAIN-world script (editor
// access). Both worlds see every window message, so each side tags what it sends and reads only the other tag.

export const TO_MAIN = 'texsketch:to-main';
export const FROM_MAIN = 'texsketch:from-main';

export const ACTIONS = Object.freeze({
  PING: 'ping', // -> {strategy}: which way the editor would be reached now
  INSERT: 'insert', // {text} -> {strategy}: text replaces the selection, cursor after it, editor focused
  READ_DOC: 'read-doc', // -> {text|null}: the document head (enough for the preamble)
  ADD_PACKAGE: 'add-package', // {pkg} -> {added: boolean}
});

// The preamble is at the top; reading at most this much keeps huge documents cheap to message.
export const DOC_HEAD_CHARS = 50_000;
