// What the extension relies on in Overleaf's page, outside CodeMirror's own objects: where the main editor
// is, when it cannot take an insertion, and which project pages have no editor. Both worlds use it (the MAIN
// world before it touches a view, the isolated world before its last-resort event). Sources are in
// ../../README.md, "Verified against Overleaf's source".

// ide-react/components/layout/editor.tsx wraps the source editor in `.ide-redesign-editor-content`;
// `.ide-react-editor-content` is the same place in the layout before the redesign (stylesheets/pages/editor/ide.scss).
// Other CodeMirror views (the history diff viewer, the visual preview in the PDF pane) live elsewhere.
const MAIN_EDITOR_CONTAINERS = ['.ide-redesign-editor-content', '.ide-react-editor-content'];

export const REFUSALS = Object.freeze({
  READ_ONLY: 'read-only',
  HIDDEN: 'hidden',
  NO_EDITOR: 'no-editor',
});

const MESSAGES = {
  [REFUSALS.READ_ONLY]:
    'this document is read-only (you can only view this project, or Overleaf cannot save right now). Nothing was changed.',
  [REFUSALS.HIDDEN]:
    'the editor is hidden because an image or PDF file, or several files, are selected. Open one .tex file; nothing was changed.',
  [REFUSALS.NO_EDITOR]: "Overleaf's editor was not found on this page. Nothing was changed.",
};

/** Why the editor cannot take text: `code` is one of REFUSALS; the message is shown in the panel. */
export class EditorRefusal extends Error {
  constructor(code) {
    super(MESSAGES[code] ?? code);
    this.code = code;
  }
}

/** `/project/<id>/detached` is Overleaf's PDF-only window (router.mjs, ProjectController.mjs): no editor. */
export function isDetachedPdfWindow(location) {
  return /^\/project\/[^/]+\/detached\/?$/i.test(location.pathname);
}

/** The main source editor's `.cm-editor`, never the diff viewer's or the PDF pane's; null if absent. */
export function mainEditorElement(doc) {
  for (const container of MAIN_EDITOR_CONTAINERS) {
    const editor = doc.querySelector(`${container} .cm-editor`);
    if (editor) return editor;
  }
  return null;
}

/** Hidden by Overleaf (class `hidden` on a container, or the `hidden` attribute) or not laid out at all. */
export function isHidden(element) {
  return Boolean(element.closest('.hidden, [hidden]')) || element.getClientRects().length === 0;
}

/** CodeMirror writes the read-only state to the content element: aria-readonly and contenteditable. */
export function isReadOnlyInDom(editorElement) {
  const content = editorElement.querySelector('.cm-content');
  return content?.getAttribute('aria-readonly') === 'true' || content?.getAttribute('contenteditable') === 'false';
}

/** The reason an insertion into this editor element must not happen, or null. */
export function refusalFor(editorElement, { readOnly = false } = {}) {
  if (!editorElement?.isConnected) return REFUSALS.NO_EDITOR;
  if (readOnly || isReadOnlyInDom(editorElement)) return REFUSALS.READ_ONLY;
  if (isHidden(editorElement)) return REFUSALS.HIDDEN;
  return null;
}
