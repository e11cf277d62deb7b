// Reading a LaTeX preamble well enough to say whether a package is loaded, and where a new
// `\usepackage{...}` line goes (right after `\documentclass`). Pure text functions, used in the page's
// MAIN world (which holds the editor) and tested in Node.

// Packages that load others: a document with the key has the listed ones too.
const LOADS = Object.freeze({
  amssymb: ['amsfonts'],
  mathtools: ['amsmath'],
  amsthm: [],
  stmaryrd: [],
  txfonts: ['amssymb', 'amsfonts'],
  pxfonts: ['amssymb', 'amsfonts'],
  newtxmath: ['amssymb', 'amsfonts'],
  unicodemath: [],
});

/** The text before `\begin{document}` (the whole text when there is none), comments removed. */
export function preambleOf(text) {
  const noComments = text.replace(/(^|[^\\])%.*$/gm, '$1');
  const begin = noComments.indexOf('\\begin{document}');
  return begin === -1 ? noComments : noComments.slice(0, begin);
}

/** Package names loaded by `\usepackage` / `\RequirePackage` in a preamble, with what they load in turn. */
export function loadedPackages(preamble) {
  const found = new Set();
  const pattern = /\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/g;
  for (const match of preamble.matchAll(pattern)) {
    for (const name of match[1].split(',')) {
      const trimmed = name.trim();
      if (trimmed) found.add(trimmed);
    }
  }
  for (const name of [...found]) for (const implied of LOADS[name] ?? []) found.add(implied);
  return found;
}

/** Whether `\documentclass` appears (only then is this the main file whose preamble we can edit). */
export function hasDocumentclass(text) {
  return documentclassEnd(text) !== -1;
}

/** Offset just after the `\documentclass[...]{...}` command (options may span lines), or -1. */
export function documentclassEnd(text) {
  const preamble = preambleOf(text);
  const match = /\\documentclass\s*(\[[^\]]*\])?\s*\{[^}]*\}/.exec(preamble);
  if (!match) return -1;
  // preambleOf keeps offsets only where no comment was removed before the match; find it in the raw text.
  const raw = text.indexOf(match[0]);
  return raw === -1 ? -1 : raw + match[0].length;
}

/** The change that adds `\usepackage{name}` on its own line after `\documentclass`, or null without one. */
export function usepackageChange(text, name) {
  const end = documentclassEnd(text);
  if (end === -1) return null;
  const lineEnd = text.indexOf('\n', end);
  const at = lineEnd === -1 ? text.length : lineEnd;
  return { from: at, to: at, insert: `\n\\usepackage{${name}}` };
}

/**
 * What the package hint says for a chosen symbol: null when nothing is missing (or we cannot know).
 * @param {string|null} pkg the symbol's package (null for LaTeX's own commands)
 * @param {string|null} text the editor document, or null when it cannot be read
 */
export function missingPackage(pkg, text) {
  if (!pkg || pkg === 'latex2e') return null;
  if (text === null || text === undefined) return null;
  if (!hasDocumentclass(text)) return { pkg, canAdd: false };
  return loadedPackages(preambleOf(text)).has(pkg) ? null : { pkg, canAdd: true };
}
