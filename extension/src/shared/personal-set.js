// The personal set (issue 12): the writer's own examples, kept in the browser only (extension storage, the demo
// page's localStorage) and exported/imported as one JSON file in the same shape. Format (version 1):
//
//   {"format": "texsketch-personal-set", "version": 1, "examples": [
//     {"id": "k3x9-...",                      // unique per example (import skips ids it already has)
//      "kind": "correction" | "personal-symbol",
//      "symbol": {"id", "command", "package", "mode", "unicode", "preview_url", "alternatives"},
//                                             // what the candidate shows and inserts; a personal symbol has
//                                             // id "personal:<hex>" and its snippet as "command"
//      "strokes": [[[x, y, t?], ...], ...],   // the drawing itself, so a future model can embed it again
//      "model": "<sha256 of the model>",      // embeddings are only comparable within one model
//      "embedding": "<base64 float32 little-endian>",  // the model's L2-normalised embedding of the drawing
//      "added": "2026-11-27"}]}               // the day only
//
// Pure functions over plain objects: the storage wiring lives with each user (background, options, demo page).
import { PersonalIndex } from './personal-blend.js';

export const PERSONAL_FORMAT = 'texsketch-personal-set';
export const PERSONAL_VERSION = 1;
export const KINDS = Object.freeze(['correction', 'personal-symbol']);
// A personal symbol is learnt from this many drawings.
export const DRAWINGS_PER_SYMBOL = 3;
// About 3 KB each: 2,000 examples stay far below extension storage's 10 MB and localStorage's 5 MB.
export const MAX_EXAMPLES = 2000;
export const MAX_SNIPPET_LENGTH = 200;
const MAX_EMBEDDING = 4096;
const MODES = ['math', 'text', 'both'];

export class PersonalSetError extends Error {}

export function emptySet() {
  return { format: PERSONAL_FORMAT, version: PERSONAL_VERSION, examples: [] };
}

/** Float embedding -> base64 of its float32 little-endian bytes (1 KB for 192 values, not 3 KB of JSON). */
export function encodeEmbedding(values) {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function decodeEmbedding(text) {
  let binary;
  try {
    binary = atob(text);
  } catch {
    throw new PersonalSetError('embedding: not base64');
  }
  if (binary.length === 0 || binary.length % 4 !== 0 || binary.length / 4 > MAX_EMBEDDING) {
    throw new PersonalSetError(`embedding: ${binary.length} bytes is not 1..${MAX_EMBEDDING} float32 values`);
  }
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const values = new Float32Array(binary.length / 4);
  for (let i = 0; i < values.length; i++) {
    values[i] = view.getFloat32(i * 4, true);
    if (!Number.isFinite(values[i])) throw new PersonalSetError('embedding: holds NaN or infinity');
  }
  return values;
}

function newId() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function today(now) {
  return new Date(now).toISOString().slice(0, 10);
}

/** A stable id for a snippet: drawing `\R` again later adds to the same personal symbol. */
export function personalSymbolId(snippet) {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const char of snippet) {
    const code = char.codePointAt(0);
    h1 = Math.imul(h1 ^ code, 0x01000193) >>> 0;
    h2 = Math.imul(h2 + code, 0x5bd1e995) >>> 0;
  }
  return `personal:${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

/** The candidate entry of a personal snippet (what the panel shows and inserts). */
export function personalSymbol(snippet) {
  const command = String(snippet ?? '').trim();
  if (!command) throw new PersonalSetError('snippet: type the LaTeX it should insert, e.g. \\mathbb{R}');
  if (command.length > MAX_SNIPPET_LENGTH) throw new PersonalSetError(`snippet: at most ${MAX_SNIPPET_LENGTH} characters`);
  return { id: personalSymbolId(command), command, package: null, mode: 'both', unicode: null, preview_url: null, alternatives: [] };
}

/** What a stored candidate entry may hold (an answer's prediction minus its score). */
export function symbolEntry(prediction) {
  const { id, command, package: pkg = null, mode = 'math', unicode = null, preview_url: preview = null } = prediction;
  return {
    id,
    command,
    package: pkg,
    mode,
    unicode,
    preview_url: preview,
    alternatives: (prediction.alternatives ?? []).map((a) => ({ id: a.id, command: a.command, package: a.package ?? null, mode: a.mode })),
  };
}

/** One example from a drawing the writer labelled. */
export function makeExample({ kind, symbol, strokes, embedding, model, now = Date.now() }) {
  return checkExample(
    {
      id: newId(),
      kind,
      symbol: symbolEntry(symbol),
      // As drawn, unrounded: a drawing may be a few units wide (the renderer scales it), and a later model must
      // see exactly the drawing this embedding came from.
      strokes: strokes.map((stroke) => stroke.map((point) => [...point])),
      model,
      embedding: encodeEmbedding(embedding),
      added: today(now),
    },
    'example',
  );
}

function checkString(value, where, max = 500) {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new PersonalSetError(`${where}: must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function checkExample(example, where) {
  if (!example || typeof example !== 'object') throw new PersonalSetError(`${where}: not an object`);
  checkString(example.id, `${where}.id`, 100);
  if (!KINDS.includes(example.kind)) throw new PersonalSetError(`${where}.kind: must be one of ${KINDS.join(', ')}`);
  const symbol = example.symbol;
  if (!symbol || typeof symbol !== 'object') throw new PersonalSetError(`${where}.symbol: not an object`);
  checkString(symbol.id, `${where}.symbol.id`);
  checkString(symbol.command, `${where}.symbol.command`, MAX_SNIPPET_LENGTH);
  if (!MODES.includes(symbol.mode)) throw new PersonalSetError(`${where}.symbol.mode: must be math, text or both`);
  if (example.kind === 'personal-symbol' && symbol.id !== personalSymbolId(symbol.command)) {
    throw new PersonalSetError(`${where}.symbol.id: a personal symbol's id must be personalSymbolId(command)`);
  }
  if (!Array.isArray(example.strokes) || example.strokes.length === 0) {
    throw new PersonalSetError(`${where}.strokes: the drawing has no strokes`);
  }
  example.strokes.forEach((stroke, s) => {
    if (!Array.isArray(stroke) || stroke.length === 0) throw new PersonalSetError(`${where}.strokes[${s}]: has no points`);
    stroke.forEach((point, p) => {
      const ok = Array.isArray(point) && (point.length === 2 || point.length === 3) && point.every(Number.isFinite);
      if (!ok) throw new PersonalSetError(`${where}.strokes[${s}][${p}]: must be [x, y] or [x, y, t] of finite numbers`);
    });
  });
  checkString(example.model, `${where}.model`, 200);
  try {
    decodeEmbedding(checkString(example.embedding, `${where}.embedding`, MAX_EMBEDDING * 8));
  } catch (error) {
    throw new PersonalSetError(`${where}.${error.message}`);
  }
  return example;
}

/** A personal set from untrusted JSON (an imported file, storage) or PersonalSetError naming the bad field. */
export function parsePersonalSet(data) {
  if (!data || typeof data !== 'object') throw new PersonalSetError('the file is not a JSON object');
  if (data.format !== PERSONAL_FORMAT) {
    throw new PersonalSetError(`format: expected "${PERSONAL_FORMAT}" (a file exported by TeXSketch), got ${JSON.stringify(data.format)}`);
  }
  if (data.version !== PERSONAL_VERSION) throw new PersonalSetError(`version: ${JSON.stringify(data.version)} is not ${PERSONAL_VERSION}`);
  if (!Array.isArray(data.examples)) throw new PersonalSetError('examples: must be a list');
  if (data.examples.length > MAX_EXAMPLES) throw new PersonalSetError(`examples: at most ${MAX_EXAMPLES}`);
  data.examples.forEach((example, i) => checkExample(example, `examples[${i}]`));
  return { format: PERSONAL_FORMAT, version: PERSONAL_VERSION, examples: data.examples };
}

/** `set` plus `examples` (a new object; the input is not changed), or PersonalSetError when it would be too big. */
export function addExamples(set, examples) {
  const have = new Set(set.examples.map((e) => e.id));
  const fresh = examples.filter((e) => !have.has(e.id));
  if (set.examples.length + fresh.length > MAX_EXAMPLES) {
    throw new PersonalSetError(
      `the personal set holds ${set.examples.length} examples; ${fresh.length} more would pass the limit of ${MAX_EXAMPLES}: delete some first`,
    );
  }
  return { ...set, examples: [...set.examples, ...fresh] };
}

/** Import: every example of `imported` whose id `set` lacks is added; returns {set, added}. */
export function mergeSets(set, imported) {
  const merged = addExamples(set, parsePersonalSet(imported).examples);
  return { set: merged, added: merged.examples.length - set.examples.length };
}

export function removeSymbol(set, symbolId) {
  return { ...set, examples: set.examples.filter((e) => e.symbol.id !== symbolId) };
}

/** `set` without the one example `exampleId` (a correction taken back right after it was made). */
export function removeExample(set, exampleId) {
  return { ...set, examples: set.examples.filter((e) => e.id !== exampleId) };
}

/** One row per symbol, in the order first added: what the options page and the demo page list. */
export function summarize(set) {
  const rows = new Map();
  for (const example of set.examples) {
    const row = rows.get(example.symbol.id) ?? { symbol: example.symbol, corrections: 0, drawings: 0, personal: false, models: new Set() };
    if (example.kind === 'correction') row.corrections += 1;
    else row.personal = true;
    row.drawings += 1;
    row.models.add(example.model);
    rows.set(example.symbol.id, row);
  }
  return [...rows.values()].map((row) => ({ ...row, models: [...row.models] }));
}

/**
 * The examples recorded with `modelSha256`, ready for `personalizeAnswer`. Examples of another model are kept
 * (and exported) but cannot be compared with this model's embeddings: `otherModel` counts them.
 */
export function indexFor(set, modelSha256) {
  const usable = set.examples.filter((e) => e.model === modelSha256);
  const symbols = new Map(usable.map((e) => [e.symbol.id, e.symbol]));
  return {
    index: new PersonalIndex(usable.map((e) => ({ symbolId: e.symbol.id, embedding: decodeEmbedding(e.embedding) }))),
    symbolOf: (id) => symbols.get(id),
    otherModel: set.examples.length - usable.length,
  };
}
