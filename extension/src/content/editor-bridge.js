// The isolated content script's side of the MAIN-world protocol: request/response over window.postMessage,
// with a timeout so a page without our MAIN-world script (blocked, or an old Firefox) still gets a last-resort
// insertion through Overleaf's `editor:insert-symbol` event, after the same page checks the MAIN world makes
// (read-only, hidden, absent: the DOM is shared by both worlds).
import { ACTIONS, FROM_MAIN, STRATEGIES, TO_MAIN } from '../shared/bridge-protocol.js';
import { EditorRefusal, mainEditorElement, refusalFor } from '../shared/overleaf-page.js';

export class EditorBridge {
  constructor(win = window, { timeoutMs = 1000 } = {}) {
    this.win = win;
    this.timeoutMs = timeoutMs;
    this.pending = new Map();
    this.nextId = 1;
    win.addEventListener('message', (event) => {
      if (event.source !== win || event.data?.tag !== FROM_MAIN) return;
      const waiter = this.pending.get(event.data.id);
      if (!waiter) return;
      this.pending.delete(event.data.id);
      if (event.data.ok) waiter.resolve(event.data.result);
      else if (event.data.code) waiter.reject(new EditorRefusal(event.data.code));
      else waiter.reject(new Error(event.data.error));
    });
  }

  call(action, fields = {}) {
    const id = `${Date.now()}-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BridgeTimeout(`the page did not answer "${action}"`));
      }, this.timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.win.postMessage({ tag: TO_MAIN, id, action, ...fields }, this.win.location.origin);
    });
  }

  /**
   * Insert text at the cursor; resolves to the strategy that did it (shared/bridge-protocol.js STRATEGIES).
   * Rejects with an EditorRefusal (`code`: read-only, hidden, no-editor) when the editor must not take it.
   */
  async insert(text) {
    try {
      return (await this.call(ACTIONS.INSERT, { text })).strategy;
    } catch (error) {
      if (!(error instanceof BridgeTimeout)) throw error;
      const refusal = refusalFor(mainEditorElement(this.win.document));
      if (refusal) throw new EditorRefusal(refusal);
      this.#dispatchInsertSymbol(text);
      return STRATEGIES.ISOLATED_INSERT_SYMBOL;
    }
  }

  /** The document head, or null when the editor cannot be read. */
  async readDoc() {
    try {
      return (await this.call(ACTIONS.READ_DOC)).text;
    } catch {
      return null;
    }
  }

  async addPackage(pkg) {
    return (await this.call(ACTIONS.ADD_PACKAGE, { pkg })).added;
  }

  #dispatchInsertSymbol(text) {
    // Firefox: the page may not read an object made in the isolated world unless it is cloned into the page.
    const detail = typeof cloneInto === 'function' ? cloneInto({ command: text }, this.win) : { command: text };
    this.win.dispatchEvent(new CustomEvent('editor:insert-symbol', { detail }));
  }
}

export class BridgeTimeout extends Error {}
