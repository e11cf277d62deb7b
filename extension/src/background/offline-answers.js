// The offline answers table (`model/answers.json`, written by build.mjs): for each output of the model, in the
// order of model.json's labels, the answer /predict gives for it (backend/symbol_json.py `summary`: command,
// package, mode, Unicode character, preview, alternatives). It is what the offline recognizer reads of the
// catalogue before its first answer (issue 22 item 6: those bytes stay flat while the catalogue grows 4.6-fold),
// so it holds nothing that can be computed: a label's id is model.json's, a command its id spells is left out, a
// preview path is the md5 of the id (training/catalogue/build.py `preview_path`), packages are indices.
//
//   {"format": "texsketch-offline-answers", "version": 1, "catalogue_version", "model_sha256", "labels": N,
//    "packages": [null, "amssymb", ...],            // package names, null for the LaTeX kernel
//    "answers": [[package, mode, unicode, [other, ...], extra?], ...],   // one row per label
//    "others": [[id, package, mode, command?], ...]} // the alternatives, referenced by index
//
// mode is an index into MODES; extra (only where the rule does not hold) is {command, preview, glyph}: the
// command when the id does not spell it, the preview path ("" for none) when it is not the md5 rule's, the glyph
// group when it is not the label itself (two labels of one group are ranked as one, src/background/ranking.js).
import { md5Hex } from './md5.js';
import { Catalogue, summary } from './catalogue.js';

export const FORMAT = 'texsketch-offline-answers';
export const VERSION = 1;
const MODES = ['math', 'text', 'both'];

/** The command a catalogue id spells (`latex2e-OT1-_not_approx` -> `\not\approx`), or null. */
export function commandFromId(id) {
  const match = /^.*?-[A-Z][A-Z0-9]*-(.+)$/.exec(id);
  if (!match) return null;
  return match[1].startsWith('_') ? match[1].replaceAll('_', '\\') : match[1];
}

/** The preview URL /predict gives for an id by the catalogue's rule (`/previews/<md5 of the id>.svg`). */
export function previewUrlOf(id) {
  return `/previews/${md5Hex(id)}.svg`;
}

/**
 * The table for a model: `catalogue` is models/symbols.json, `card` model.json. Throws if the table would not
 * give back every label's answer exactly (the build then stops instead of shipping wrong answers).
 */
export function encodeAnswers(catalogue, card) {
  const full = new Catalogue(catalogue);
  const packages = [null];
  const packageIndex = (name) => {
    const value = name ?? null;
    if (!packages.includes(value)) packages.push(value);
    return packages.indexOf(value);
  };
  const others = [];
  const otherIndex = new Map();
  const expected = card.labels.map((label) => {
    const symbol = full.byId.get(label);
    if (!symbol) throw new Error(`model label ${label} is not in symbols.json`);
    return summary(symbol, full);
  });
  const answers = card.labels.map((label, i) => {
    const symbol = full.byId.get(label);
    const answer = expected[i];
    const alternatives = answer.alternatives.map((alternative) => {
      const key = JSON.stringify(alternative);
      if (!otherIndex.has(key)) {
        const row = [alternative.id, packageIndex(alternative.package), MODES.indexOf(alternative.mode)];
        if (commandFromId(alternative.id) !== alternative.command) row.push(alternative.command);
        otherIndex.set(key, others.length);
        others.push(row);
      }
      return otherIndex.get(key);
    });
    const row = [packageIndex(answer.package), MODES.indexOf(answer.mode), answer.unicode, alternatives];
    const extra = {};
    if (commandFromId(label) !== answer.command) extra.command = answer.command;
    if (answer.preview_url !== previewUrlOf(label)) extra.preview = answer.preview_url ?? '';
    if ((symbol.glyph ?? symbol.id) !== label) extra.glyph = symbol.glyph;
    if (Object.keys(extra).length) row.push(extra);
    return row;
  });
  const table = {
    format: FORMAT,
    version: VERSION,
    catalogue_version: catalogue.catalogue_version ?? null,
    model_sha256: card.sha256 ?? null,
    labels: card.labels.length,
    packages,
    answers,
    others,
  };
  const decoded = new OfflineAnswers(table, card);
  card.labels.forEach((label, i) => {
    if (JSON.stringify(decoded.entry(i)) !== JSON.stringify(expected[i])) {
      throw new Error(`answers table: ${label} does not decode back`);
    }
  });
  return table;
}

/**
 * The answers of a model from its table. `entry(i)` is label i's /predict entry without its score, made when first
 * asked for (a drawing needs five of 4,807: decoding all at start-up took 110 ms, most of it the md5 of each id);
 * `glyphOfLabel[i]` its glyph group. Throws with the fault named for a table of another model or format.
 */
export class OfflineAnswers {
  constructor(table, card) {
    if (table?.format !== FORMAT || table.version !== VERSION) {
      throw new Error(`answers.json: format ${table?.format} version ${table?.version}, expected ${FORMAT} ${VERSION}`);
    }
    const labels = card.labels;
    if (!Array.isArray(table.answers) || table.answers.length !== labels.length || table.labels !== labels.length) {
      throw new Error(`answers.json holds ${table.answers?.length} answers for ${labels.length} model labels`);
    }
    if (table.model_sha256 && card.sha256 && table.model_sha256 !== card.sha256) {
      throw new Error('answers.json was built for another model (model_sha256 differs from model.json)');
    }
    this.table = table;
    this.labels = labels;
    this.length = labels.length;
    this.glyphOfLabel = table.answers.map((row, i) => row[4]?.glyph ?? labels[i]);
    this.made = new Map();
  }

  entry(index) {
    if (!this.made.has(index)) {
      const [pkg, mode, unicode, alternatives, extra = {}] = this.table.answers[index];
      const label = this.labels[index];
      this.made.set(index, {
        ...this.#brief(label, pkg, mode, extra.command),
        unicode,
        preview_url: extra.preview === undefined ? previewUrlOf(label) : extra.preview || null,
        alternatives: alternatives.map((other) => this.#brief(...this.table.others[other])),
      });
    }
    return this.made.get(index);
  }

  #brief(id, pkg, mode, command) {
    return { id, command: command ?? commandFromId(id), package: this.table.packages[pkg], mode: MODES[mode] };
  }
}
