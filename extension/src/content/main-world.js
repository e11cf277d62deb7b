// Runs in the page's MAIN world (manifest `"world": "MAIN"`, document_start), where Overleaf's CodeMirror 6
// EditorView lives. The isolated content script cannot touch page objects, so it asks this script through
// window.postMessage (shared/bridge-protocol.js). Ways to the editor, most robust first (verified in
// ../shared/docs/browser-testing.md): the view captured through Overleaf's `UNSTABLE_editor:extensions` event,
// `EditorView.findFromDOM`, the DOM back-pointer `cmView` (`cmTile` in newer CodeMirror), and last Overleaf's
// own symbol-palette event `editor:insert-symbol`.
import { ACTIONS, DOC_HEAD_CHARS, FROM_MAIN, TO_MAIN } from '../shared/bridge-protocol.js';
import { usepackageChange } from '../shared/latex-preamble.js';

(() => {
  if (window.__texsketchMainWorld) return;
  window.__texsketchMainWorld = true;

  let capturedView = null;
  let codeMirror = null;

  // Overleaf fires this (and again on `editor:extension-loaded`) with its CodeMirror exports and an array of
  // extensions to add: a ViewPlugin there is handed the EditorView as soon as the editor exists.
  window.addEventListener('UNSTABLE_editor:extensions', (event) => {
    const detail = event.detail;
    if (!detail?.CodeMirror || !Array.isArray(detail.extensions)) return;
    codeMirror = detail.CodeMirror;
    const { ViewPlugin } = codeMirror;
    if (!ViewPlugin) return;
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

  function findView() {
    if (capturedView?.dom?.isConnected) return { view: capturedView, strategy: 'extensions-event' };
    const editorDom = document.querySelector('.cm-editor');
    if (editorDom && codeMirror?.EditorView?.findFromDOM) {
      const view = codeMirror.EditorView.findFromDOM(editorDom);
      if (view) return { view, strategy: 'findFromDOM' };
    }
    const content = document.querySelector('.cm-content');
    const view = content?.cmView?.view ?? content?.cmTile?.view;
    if (view?.state && view.dispatch) return { view, strategy: 'dom-backpointer' };
    return null;
  }

  function insert(text) {
    const found = findView();
    if (found) {
      const { view } = found;
      view.dispatch({ ...view.state.replaceSelection(text), scrollIntoView: true, userEvent: 'input.type' });
      view.focus();
      return { strategy: found.strategy };
    }
    if (!document.querySelector('.cm-editor')) throw new Error('no editor on this page');
    // Overleaf's symbol palette inserts at every selection range, moves the cursor after it and focuses.
    window.dispatchEvent(new CustomEvent('editor:insert-symbol', { detail: { command: text } }));
    return { strategy: 'insert-symbol-event' };
  }

  function readDoc() {
    const found = findView();
    if (!found) return { text: null };
    const { state } = found.view;
    return { text: state.sliceDoc(0, Math.min(state.doc.length, DOC_HEAD_CHARS)) };
  }

  function addPackage(pkg) {
    if (!/^[A-Za-z0-9_.-]+$/.test(pkg ?? '')) throw new Error(`not a package name: ${pkg}`);
    const found = findView();
    if (!found) return { added: false };
    const { view } = found;
    const head = view.state.sliceDoc(0, Math.min(view.state.doc.length, DOC_HEAD_CHARS));
    const change = usepackageChange(head, pkg);
    if (!change) return { added: false };
    view.dispatch({ changes: change, userEvent: 'input' });
    view.focus();
    return { added: true };
  }

  const handlers = {
    [ACTIONS.PING]: () => ({ strategy: findView()?.strategy ?? (document.querySelector('.cm-editor') ? 'insert-symbol-event' : null) }),
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
      reply = { tag: FROM_MAIN, id, ok: false, error: String(error?.message ?? error) };
    }
    window.postMessage(reply, window.location.origin);
  });
})();
