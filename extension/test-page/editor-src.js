// The test page's editor: a real CodeMirror 6 (Overleaf's pins: @codemirror/view 6.38.6, @codemirror/state
// 6.5.4) wired the way Overleaf wires it for third-party code:
// - thirdPartyExtensions(): fires `UNSTABLE_editor:extensions` with {CodeMirror, CodeMirrorVim, extensions} and
//   fires it again (reconfiguring) on `editor:extension-loaded` (overleaf/overleaf, source-editor extensions);
// - symbolPalette(): listens for `editor:insert-symbol` ({detail: {command}}), inserts at every range;
// - the editor is created after load, like Overleaf's React app.
import { EditorSelection, EditorState, Compartment, StateEffect, Prec } from '@codemirror/state';
import { EditorView, ViewPlugin, Decoration, keymap, drawSelection, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { StreamLanguage } from '@codemirror/language';
import { stex } from '@codemirror/legacy-modes/mode/stex';

const CodeMirror = { EditorSelection, EditorState, Compartment, StateEffect, Prec, EditorView, ViewPlugin, Decoration, keymap };

function thirdPartyExtensions() {
  const compartment = new Compartment();
  const collect = () => {
    const extensions = [];
    window.dispatchEvent(
      new CustomEvent('UNSTABLE_editor:extensions', { detail: { CodeMirror, CodeMirrorVim: {}, extensions } }),
    );
    return extensions;
  };
  return [
    compartment.of(collect()),
    ViewPlugin.define((view) => {
      const reload = () => view.dispatch({ effects: compartment.reconfigure(collect()) });
      window.addEventListener('editor:extension-loaded', reload);
      return { destroy: () => window.removeEventListener('editor:extension-loaded', reload) };
    }),
  ];
}

function symbolPalette() {
  return ViewPlugin.define((view) => {
    const insert = (event) => {
      const command = event.detail.command;
      view.dispatch(
        view.state.changeByRange((range) => ({
          changes: { from: range.from, to: range.to, insert: command },
          range: EditorSelection.cursor(range.from + command.length),
        })),
      );
      view.focus();
    };
    window.addEventListener('editor:insert-symbol', insert);
    return { destroy: () => window.removeEventListener('editor:insert-symbol', insert) };
  });
}

const INITIAL = [
  '\\documentclass[11pt]{article}',
  '\\usepackage{amsmath}',
  '',
  '\\begin{document}',
  'Let $x  y$ be given.',
  '\\end{document}',
  '',
].join('\n');

function createEditor() {
  const view = new EditorView({
    parent: document.querySelector('.source-editor'),
    state: EditorState.create({
      doc: new URLSearchParams(location.search).get('doc') ?? INITIAL,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        StreamLanguage.define(stex),
        thirdPartyExtensions(),
        symbolPalette(),
      ],
    }),
  });
  window.__testView = view; // test hook only: the e2e suite reads the document and sets the cursor
  document.body.dataset.editorReady = 'true';
}

window.addEventListener('load', () => setTimeout(createEditor, 300));
