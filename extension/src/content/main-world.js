// Runs in the page's MAIN world (manifest `"world": "MAIN"`, document_start), where Overleaf's CodeMirror 6
// EditorView lives. The isolated content script cannot touch page objects, so it asks this script through
// window.postMessage (shared/bridge-protocol.js).
//
// Ways to the main editor, in this order (each is named in the answer, so tests can tell which one worked):
// 1. `unstable-store`: the view Overleaf publishes for extensions, window.overleaf.unstable.store.get('editor.view');
// 2. `extensions-event`: the view a ViewPlugin of ours was handed through Overleaf's `UNSTABLE_editor:extensions`;
// 3. DOM fallbacks on the main editor's `.cm-editor` only (never the history diff viewer or another view):
//    `findFromDOM` (EditorView from the event's exports), `dom-cmView` (@codemirror/view <= 6.38, Overleaf's pin),
//    `dom-cmTile` (newer @codemirror/view);
// 4. `insert-symbol-event`: Overleaf's own symbol-palette event. Last, because Overleaf counts every one as a use
//    of its palette in its analytics.
// Text goes in the way the symbol palette puts it: every selection replaced, cursor after the text, scrolled
// into view, and no `input.type` user event, which would open the autocomplete list and let the next Enter
// accept a completion instead of starting a line. Nothing here needs EditorState or Compartment, which
// Overleaf's exported CodeMirror object does not have.
import { ACTIONS, DOC_HEAD_CHARS, FROM_MAIN, STRATEGIES, TO_MAIN } from '../shared/bridge-protocol.js';
import { usepackageChange } from '../shared/latex-preamble.js';
import { EditorRefusal, isDetachedPdfWindow, mainEditorElement, REFUSALS, refusalFor } from '../shared/overleaf-page.js';

(() => {
  if (window.__texsketchMainWorld) return;
  // The PDF-only window has no editor; the panel is not offered there either (content/index.js).
  if (isDetachedPdfWindow(window.location)) return;
  window.__texsketchMainWorld = true;

  let capturedView = null;
  let codeMirror = null; // Overleaf's exports: ViewPlugin, EditorView, ... (no EditorState, no Compartment)

  // Overleaf fires this for every document it opens (and again on `editor:extension-loaded`) with its
  // CodeMirror exports and an array to push extensions into: our ViewPlugin is handed the EditorView.
  window.addEventListener('UNSTABLE_editor:extensions', (event) => {
    const detail = event.detail;
    if (!detail?.CodeMirror || !Array.isArray(detail.extensions)) return;
    codeMirror = detail.CodeMirror;
    const { ViewPlugin } = codeMirror;
    if (typeof ViewPlugin?.define !== 'function') return;
    detail.extensions.push(
      ViewPlugin.define((view) => {
        capturedView = view;
        return {
          destroy() {
            if (capturedView === view) capturedView = null;
          },
        };
      }),
    );
  });
  // Injected after the editor was built (extension installed into an open tab): ask Overleaf to re-emit.
  const askForExtensions = () => window.dispatchEvent(new Event('editor:extension-loaded'));
  if (document.readyState === 'complete') askForExtensions();
  else window.addEventListener('load', askForExtensions, { once: true });

  const isView = (view) => typeof view?.dispatch === 'function' && view.state?.doc && view.dom?.isConnected === true;

  function storeView() {
    try {
      return window.overleaf?.unstable?.store?.get?.('editor.view') ?? null;
    } catch {
      return null; // a store that throws is a store we cannot use
    }
  }

  /** The main editor's view and the way it was found, or null when only the DOM (or nothing) is there. */
  function findView() {
    const published = storeView();
    if (isView(published)) return { view: published, strategy: STRATEGIES.STORE };
    if (isView(capturedView)) return { view: capturedView, strategy: STRATEGIES.EXTENSIONS_EVENT };
    const editorDom = mainEditorElement(document);
    if (!editorDom) return null;
    if (typeof codeMirror?.EditorView?.findFromDOM === 'function') {
      const view = codeMirror.EditorView.findFromDOM(editorDom);
      if (isView(view)) return { view, strategy: STRATEGIES.FIND_FROM_DOM };
    }
    const content = editorDom.querySelector('.cm-content');
    if (isView(content?.cmView?.view)) return { view: content.cmView.view, strategy: STRATEGIES.CM_VIEW };
    if (isView(content?.cmTile?.view)) return { view: content.cmTile.view, strategy: STRATEGIES.CM_TILE };
    return null;
  }

  /** A view that may take text now, or a refusal; `{view: null}` means only the palette event is left. */
  function writableEditor() {
    const found = findView();
    const refusal = found
      ? refusalFor(found.view.dom, { readOnly: found.view.state.readOnly === true })
      : refusalFor(mainEditorElement(document));
    if (refusal) throw new EditorRefusal(refusal);
    return found ?? { view: null, strategy: STRATEGIES.INSERT_SYMBOL };
  }

  function insert(text) {
    const { view, strategy } = writableEditor();
    if (!view) {
      // Overleaf's symbol palette inserts at every selection range, moves the cursor after it and focuses.
      window.dispatchEvent(new CustomEvent('editor:insert-symbol', { detail: { command: text } }));
      return { strategy };
    }
    // As extensions/symbol-palette.ts: focus, replace every range, cursor after, scroll; no user event.
    view.focus();
    view.dispatch(view.state.replaceSelection(text), { scrollIntoView: true });
    return { strategy };
  }

  function readDoc() {
    const found = findView();
    if (!found) return { text: null };
    const { state } = found.view;
    return { text: state.sliceDoc(0, Math.min(state.doc.length, DOC_HEAD_CHARS)) };
  }

  function addPackage(pkg) {
    if (!/^[A-Za-z0-9_.-]+$/.test(pkg ?? '')) throw new Error(`not a package name: ${pkg}`);
    const { view } = writableEditor();
    if (!view) return { added: false }; // the palette event inserts at the cursor only
    const head = view.state.sliceDoc(0, Math.min(view.state.doc.length, DOC_HEAD_CHARS));
    const change = usepackageChange(head, pkg);
    if (!change) return { added: false };
    view.dispatch({ changes: change });
    view.focus();
    return { added: true };
  }

  function ping() {
    try {
      return { strategy: writableEditor().strategy, refusal: null };
    } catch (error) {
      return { strategy: findView()?.strategy ?? null, refusal: error.code ?? REFUSALS.NO_EDITOR };
    }
  }

  const handlers = {
    [ACTIONS.PING]: ping,
    [ACTIONS.INSERT]: (message) => insert(String(message.text)),
    [ACTIONS.READ_DOC]: () => readDoc(),
    [ACTIONS.ADD_PACKAGE]: (message) => addPackage(message.pkg),
  };

  window.addEventListener('message', (event) => {
    if (event.source !== window || event.data?.tag !== TO_MAIN) return;
    const { id, action } = event.data;
    const handler = handlers[action];
    let reply;
    try {
      if (!handler) throw new Error(`unknown action ${action}`);
      reply = { tag: FROM_MAIN, id, ok: true, result: handler(event.data) };
    } catch (error) {
      reply = { tag: FROM_MAIN, id, ok: false, error: String(error?.message ?? error), code: error?.code ?? null };
    }
    window.postMessage(reply, window.location.origin);
  });
})();
