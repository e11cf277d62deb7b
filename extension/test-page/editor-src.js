// The test page's editor: a real CodeMirror 6 wired the way Overleaf wires its own (overleaf/overleaf,
// services/web/frontend/js/features/source-editor/, see ../../shared/docs/overleaf-editor.md). What is copied:
// - the `CodeMirror` object in the `UNSTABLE_editor:extensions` detail has exactly the keys of Overleaf's
//   extensions/bundle.ts (ViewPlugin and EditorView, but no EditorState and no Compartment), beside
//   `CodeMirrorVim` and the `extensions` array (extensions/third-party-extensions.ts);
// - one EditorView for the whole session, and `view.setState` with freshly created extensions for every opened
//   document, which fires the event again (hooks/use-codemirror-scope.ts); `editor:extension-loaded` fires it
//   again and reconfigures the compartment;
// - the editor starts read-only and is then made editable or locked (extensions/editable.ts);
// - autocomplete activates on typing with no interaction delay, and Enter accepts (extensions/auto-complete.ts);
// - the symbol palette's `editor:insert-symbol` listener (extensions/symbol-palette.ts), counted the way
//   Overleaf's analytics count it (ide-react/context/editor-manager-context.tsx);
// - `window.overleaf.unstable.store` with `editor.view` (shared/context/ide-context.tsx);
// - a second, read-only `.cm-editor` (the history diff viewer), earlier in the DOM than the main editor;
// - an image file or several selected files hide the editor with the class `hidden`; it stays attached
//   (ide-react/components/layout/editor.tsx).
// URL switches stand in for Overleaf versions that lack a way to the editor (README of the extension):
// `store=0` (no window.overleaf), `extensions=0` (no event) or `extensions=ignore` (event, but the pushed
// extensions are not added), `backpointer=0` (no cmView/cmTile on the DOM), `readonly=1` (a viewer).
import { ChangeSet, Compartment, EditorSelection, EditorState, Prec, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, hoverTooltip, keymap, lineNumbers, drawSelection, ViewPlugin, WidgetType } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, invertedEffects, isolateHistory, redo, undo } from '@codemirror/commands';
import { StreamLanguage, syntaxTree } from '@codemirror/language';
import { stex } from '@codemirror/legacy-modes/mode/stex';
import {
  acceptCompletion,
  autocompletion,
  closeCompletion,
  completionStatus,
  moveCompletionSelection,
  startCompletion,
} from '@codemirror/autocomplete';
import { CodeMirror as VimCodeMirror, Vim, getCM } from '@replit/codemirror-vim';

const params = new URLSearchParams(location.search);
const mode = {
  store: params.get('store') !== '0',
  extensions: params.get('extensions') ?? 'on', // on | 0 | ignore
  backPointer: params.get('backpointer') !== '0',
  canWrite: params.get('readonly') !== '1',
};

// extensions/bundle.ts, key for key.
const CodeMirror = {
  ChangeSet,
  Decoration,
  EditorSelection,
  EditorView,
  Prec,
  StateEffect,
  StateField,
  ViewPlugin,
  WidgetType,
  hoverTooltip,
  keymap,
  syntaxTree,
  undo,
  redo,
  invertedEffects,
  isolateHistory,
};
const CodeMirrorVim = { CodeMirror: VimCodeMirror, Vim, getCM };

const testPage = {
  mode,
  exportKeys: Object.keys(CodeMirror),
  extensionEvents: 0, // how often UNSTABLE_editor:extensions was fired
  paletteEvents: [], // every editor:insert-symbol, as Overleaf's analytics see them
  view: null,
  diffView: null,
};
window.__testPage = testPage;

// extensions/third-party-extensions.ts
const thirdPartyExtensionsConf = new Compartment();
function fireExtensionsEvent(extensions) {
  testPage.extensionEvents += 1;
  window.dispatchEvent(new CustomEvent('UNSTABLE_editor:extensions', { detail: { CodeMirror, CodeMirrorVim, extensions } }));
}
function thirdPartyExtensions() {
  if (mode.extensions === '0') return [];
  const collect = () => {
    const extensions = [];
    fireExtensionsEvent(extensions);
    return mode.extensions === 'ignore' ? [] : extensions;
  };
  const extensionLoaded = ViewPlugin.define((view) => {
    const listener = () => view.dispatch({ effects: thirdPartyExtensionsConf.reconfigure(collect()) });
    window.addEventListener('editor:extension-loaded', listener);
    return { destroy: () => window.removeEventListener('editor:extension-loaded', listener) };
  });
  return [thirdPartyExtensionsConf.of(collect()), extensionLoaded];
}

// extensions/symbol-palette.ts
function symbolPalette() {
  return ViewPlugin.define((view) => {
    const listener = (event) => {
      const symbol = event.detail;
      view.focus();
      const spec = view.state.changeByRange((range) => {
        const changeSet = view.state.changes([{ from: range.from, to: range.to, insert: symbol.command }]);
        return { range: EditorSelection.cursor(changeSet.mapPos(range.to, 1)), changes: changeSet };
      });
      view.dispatch(spec, { scrollIntoView: true });
    };
    window.addEventListener('editor:insert-symbol', listener);
    return { destroy: () => window.removeEventListener('editor:insert-symbol', listener) };
  });
}
// ide-react/context/editor-manager-context.tsx: every editor:insert-symbol is counted as palette use.
window.addEventListener('editor:insert-symbol', (event) => {
  let command = null;
  try {
    command = event.detail.command;
  } catch {
    command = '(unreadable detail)'; // Firefox: a detail made in an extension's world without cloneInto
  }
  testPage.paletteEvents.push(command);
});

// extensions/editable.ts
const readOnlyConf = new Compartment();
const readOnlyAttributes = [
  EditorState.readOnly.of(true),
  EditorView.editable.of(false),
  EditorView.contentAttributes.of({ tabindex: '0' }),
  EditorView.theme({ '&.cm-editor .cm-cursorLayer': { display: 'none' } }),
];
const editableAttributes = [EditorState.readOnly.of(false), EditorView.editable.of(true)];
const editable = () => [readOnlyConf.of(readOnlyAttributes)];
const setEditable = (value = true) => ({ effects: [readOnlyConf.reconfigure(value ? editableAttributes : readOnlyAttributes)] });

// extensions/auto-complete.ts, with a LaTeX command source: commands Overleaf knows (a sample of its list,
// symbols included) plus those elsewhere in the document (Overleaf also completes the commands a project uses).
const KNOWN_COMMANDS = [
  '\\alpha', '\\beta', '\\gamma', '\\delta', '\\epsilon', '\\lambda', '\\mu', '\\pi', '\\sigma', '\\theta', '\\omega',
  '\\begin', '\\end', '\\section', '\\subsection', '\\label', '\\ref', '\\cite', '\\frac', '\\sqrt', '\\sum', '\\int',
  '\\prod', '\\infty', '\\leq', '\\geq', '\\neq', '\\approx', '\\times', '\\cdot', '\\pm', '\\mp', '\\div',
  '\\rightarrow', '\\leftarrow', '\\Rightarrow', '\\to', '\\mapsto', '\\partial', '\\nabla', '\\forall', '\\exists',
  '\\in', '\\notin', '\\subset', '\\cup', '\\cap', '\\emptyset', '\\mathbb', '\\textbf', '\\emph', '\\usepackage',
  '\\documentclass',
];
function latexCommands(context) {
  const word = context.matchBefore(/\\[A-Za-z]*/);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  const text = context.state.doc.toString();
  const inDocument = (text.slice(0, word.from) + text.slice(word.to)).match(/\\[A-Za-z]+/g) ?? []; // not the word being typed
  const labels = [...new Set([...KNOWN_COMMANDS, ...inDocument])];
  return { from: word.from, options: labels.map((label) => ({ label, type: 'cmd' })), validFor: /^\\[A-Za-z]*$/ };
}
const autoComplete = () => [
  autocompletion({ icons: false, defaultKeymap: false, interactionDelay: 0, override: [latexCommands] }),
  Prec.highest(
    keymap.of([
      { key: 'Escape', run: closeCompletion },
      { key: 'ArrowDown', run: moveCompletionSelection(true) },
      { key: 'ArrowUp', run: moveCompletionSelection(false) },
      { key: 'Enter', run: acceptCompletion },
      { key: 'Tab', run: acceptCompletion },
    ]),
  ),
  Prec.high(keymap.of([{ key: 'Ctrl-Space', run: startCompletion }])),
];

const MAIN = [
  '\\documentclass[11pt]{article}',
  '\\usepackage{amsmath}',
  '',
  '\\begin{document}',
  'Let $x  y$ be given.',
  '\\input{chapter}',
  '\\end{document}',
  '',
].join('\n');
const CHAPTER = ['\\section{Chapter}', 'Here $a  b$ holds.', ''].join('\n');

const files = {
  'main.tex': { type: 'doc', text: params.get('doc') ?? MAIN },
  'chapter.tex': { type: 'doc', text: CHAPTER },
  'figure.png': { type: 'file' },
};
let openDoc = 'main.tex';
let selection = [openDoc]; // the file tree's selected entries

// A newer CodeMirror renames the DOM back-pointer; `backpointer=0` stands in for a version with neither name.
function hideBackPointers(view) {
  if (mode.backPointer) return;
  for (const name of ['cmView', 'cmTile']) {
    Object.defineProperty(view.contentDOM, name, { configurable: true, get: () => undefined, set: () => {} });
  }
}

// extensions/index.ts createExtensions(), as far as the extension meets it.
function createExtensions() {
  return [
    lineNumbers(),
    history(),
    drawSelection(),
    keymap.of([...defaultKeymap, ...historyKeymap]),
    StreamLanguage.define(stex),
    editable(),
    autoComplete(),
    thirdPartyExtensions(),
    symbolPalette(),
  ];
}

function openDocument(name) {
  const view = testPage.view;
  files[openDoc].text = view.state.doc.toString();
  view.setState(EditorState.create({ doc: files[name].text, extensions: createExtensions() }));
  view.dispatch(setEditable(mode.canWrite));
  openDoc = name;
  hideBackPointers(view);
  store?.set('editor.open_doc_name', name);
}

/** The file tree: one document opens it; a file or several entries hide the editor (it stays attached). */
testPage.select = (names) => {
  selection = names;
  const container = document.querySelector('.ide-redesign-editor-content');
  const only = names.length === 1 ? files[names[0]] : null;
  if (only?.type === 'doc' && names[0] !== openDoc) openDocument(names[0]);
  container.classList.toggle('hidden', only?.type !== 'doc');
  for (const item of document.querySelectorAll('.file-tree [data-file]')) item.classList.toggle('selected', names.includes(item.dataset.file));
};
/** Saving failed or the permissions changed (use-codemirror-scope.ts dispatches setEditable). */
testPage.setEditable = (value) => testPage.view.dispatch(setEditable(value));
testPage.completionStatus = () => completionStatus(testPage.view.state);
testPage.files = () => ({ ...Object.fromEntries(Object.entries(files).map(([n, f]) => [n, f.text])), [openDoc]: testPage.view.state.doc.toString() });
testPage.openDoc = () => openDoc;

// shared/context/ide-context.tsx: a ScopeValueStore (get/set/watch) published for extensions.
function createStore() {
  const values = new Map();
  const watchers = new Map();
  return {
    get: (path) => values.get(path),
    set(path, value) {
      values.set(path, value);
      for (const callback of watchers.get(path) ?? []) callback(value);
    },
    watch(path, callback) {
      if (!watchers.has(path)) watchers.set(path, new Set());
      watchers.get(path).add(callback);
      return () => watchers.get(path).delete(callback);
    },
  };
}
const store = mode.store ? createStore() : null;
if (store) window.overleaf = { ...window.overleaf, unstable: { ...window.overleaf?.unstable, store } };

// history/components/diff-view/document-diff-viewer.tsx
function createDiffViewer() {
  const view = new EditorView({
    parent: document.querySelector('.document-diff-container .cm-viewer-container'),
    state: EditorState.create({
      doc: '% An older version of main.tex (history)\n\\documentclass{article}\n',
      extensions: [EditorView.editable.of(false), EditorState.readOnly.of(true), EditorView.contentAttributes.of({ tabindex: '0' }), lineNumbers()],
    }),
  });
  hideBackPointers(view);
  return view;
}

function createEditor() {
  testPage.diffView = createDiffViewer();
  // codemirror-editor.tsx: one view, created with an empty state, then a document is opened into it.
  const view = new EditorView({ state: EditorState.create() });
  document.querySelector('.source-editor').append(view.dom);
  testPage.view = view;
  window.__testView = view; // test hook only: the e2e suites read the document and set the cursor
  store?.set('editor.view', view);
  view.setState(EditorState.create({ doc: files[openDoc].text, extensions: createExtensions() }));
  view.dispatch(setEditable(mode.canWrite));
  hideBackPointers(view);
  store?.set('editor.open_doc_name', openDoc);
  testPage.select([openDoc]);
  // Clicks in the file tree select like Overleaf's: a click selects one entry, Ctrl/Cmd+click adds one.
  document.querySelector('.file-tree').addEventListener('click', (event) => {
    const name = event.target.closest('[data-file]')?.dataset.file;
    if (!name) return;
    testPage.select(event.ctrlKey || event.metaKey ? [...new Set([...selection, name])] : [name]);
  });
  document.body.dataset.editorReady = 'true';
}

window.addEventListener('load', () => setTimeout(createEditor, 300));
