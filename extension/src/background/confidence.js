// How sure an answer is, offline: the port of backend/confidence.py, step for step, so the extension's offline
// mode gives the same `confidence` and `not_sure` as the server for the same model outputs. The rule and its
// numbers are documented there; they live in model.json "uncertainty" (python -m training.ship.calibrate).
// Checked against Python's own results on tests/golden/confidence.json.

export const FEATURES = [
  'log_top1',
  'log_ratio',
  'entropy',
  'top5_mass',
  'coverage',
  'heaviness',
  'aspect',
  'components',
  'coverage_vs_top',
  'heaviness_vs_top',
  'aspect_vs_top',
  'components_vs_top',
];
// The ink features each output has a typical value of (model.json "typical_ink"), in FEATURES order.
export const TYPICAL_INK = ['coverage', 'heaviness', 'aspect', 'components'];
export const MAX_COMPONENTS = 8;
const SCORE_FLOOR = 1e-30;
const MAX_COUNT = 16;

/** 8-connected ink regions, at most MAX_COMPONENTS: runs per row joined to the runs they touch in the row above. */
export function components(ink, size) {
  const starts = [];
  const ends = [];
  const rows = [];
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!ink[y * size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && ink[y * size + x]) x++;
      starts.push(start);
      ends.push(x); // exclusive, like numpy's diff positions
      rows.push(y);
    }
  }
  const parent = starts.map((_, i) => i);
  const root = (i) => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  let aboveFirst = 0;
  let rowFirst = 0;
  let currentRow = -1;
  for (let i = 0; i < starts.length; i++) {
    const row = rows[i];
    if (row !== currentRow) {
      if (row === currentRow + 1) {
        aboveFirst = rowFirst;
        rowFirst = i;
      } else {
        aboveFirst = i;
        rowFirst = i;
      }
      currentRow = row;
    }
    for (let j = aboveFirst; j < rowFirst; j++) {
      if (starts[j] <= ends[i] && ends[j] >= starts[i]) parent[root(j)] = root(i);
    }
  }
  const roots = new Set();
  for (let i = 0; i < starts.length; i++) roots.add(root(i));
  return Math.min(roots.size, MAX_COMPONENTS);
}

/**
 * The twelve features (FEATURES order) of one answer.
 * @param {Float32Array|number[]} scores one probability per model label
 * @param {Uint8Array|number[]} counts the rendered ink counts, 32*32 row-major (src/render.js renderCounts)
 * @param {{coverage: number[], heaviness: number[], aspect: number[], components: number[]}} typical per model
 *   label, the typical ink of its symbol
 */
export function features(scores, counts, typical) {
  if (scores.length !== typical.coverage.length) {
    throw new Error(`the rule's typical_ink has ${typical.coverage.length} outputs, the model ${scores.length}`);
  }
  let first = 0; // the first output with the highest score, as numpy's argmax
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[first]) first = i;
  const top = Array.from(scores)
    .sort((a, b) => b - a)
    .slice(0, 5);
  const p1 = Math.max(top[0], SCORE_FLOOR);
  const p2 = top.length > 1 ? Math.max(top[1], SCORE_FLOOR) : SCORE_FLOOR;
  let entropy = 0;
  for (const p of scores) if (p > 0) entropy -= p * Math.log(p);
  const size = Math.round(Math.sqrt(counts.length));
  const ink = new Uint8Array(counts.length);
  let inked = 0;
  let total = 0;
  let top0 = size;
  let bottom = -1;
  let left = size;
  let right = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = counts[y * size + x];
      if (c > 0) {
        ink[y * size + x] = 1;
        inked++;
        total += c;
        top0 = Math.min(top0, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  let aspect = 0;
  let heaviness = 0;
  if (inked) {
    const height = bottom - top0 + 1;
    const width = right - left + 1;
    aspect = Math.min(height, width) / Math.max(height, width);
    heaviness = total / MAX_COUNT / inked;
  }
  const coverage = inked / counts.length;
  const regions = components(ink, size);
  return [
    Math.log(p1),
    Math.log(p1 / p2),
    entropy,
    top.reduce((sum, p) => sum + p, 0),
    coverage,
    heaviness,
    aspect,
    regions,
    coverage - typical.coverage[first],
    heaviness - typical.heaviness[first],
    aspect - typical.aspect[first],
    regions - typical.components[first],
  ];
}

/** model.json's "uncertainty" block as a rule; throws with the field at fault, like the server refuses to start. */
export class UncertaintyRule {
  constructor(block) {
    if (!block || JSON.stringify(block.features) !== JSON.stringify(FEATURES)) {
      throw new Error(`model.json uncertainty: features are ${JSON.stringify(block?.features)}, expected ${FEATURES}`);
    }
    this.typical = Object.fromEntries(TYPICAL_INK.map((name) => [name, block.typical_ink?.[name] ?? []]));
    this.mean = block.mean;
    this.scale = block.scale;
    this.hiddenWeights = block.hidden.weights;
    this.hiddenBias = block.hidden.bias;
    this.outputWeights = block.output.weights;
    this.outputBias = block.output.bias;
    this.threshold = block.threshold;
    this.confidenceWeights = block.confidence.weights;
    this.confidenceBias = block.confidence.bias;
    const n = FEATURES.length;
    const h = this.hiddenBias.length;
    const outputs = this.typical.coverage.length;
    if (
      outputs === 0 ||
      TYPICAL_INK.some((name) => this.typical[name].length !== outputs) ||
      this.mean.length !== n ||
      this.scale.length !== n ||
      this.hiddenWeights.length !== h ||
      this.hiddenWeights.some((row) => row.length !== n) ||
      this.outputWeights.length !== h ||
      this.confidenceWeights.length !== 2 ||
      this.scale.some((s) => !(s > 0))
    ) {
      throw new Error('model.json uncertainty: arrays of the wrong shape or a zero scale');
    }
  }

  features(scores, counts) {
    return features(scores, counts, this.typical);
  }

  junkScore(values) {
    const z = values.map((v, i) => (v - this.mean[i]) / this.scale[i]);
    let out = this.outputBias;
    this.hiddenWeights.forEach((row, j) => {
      let sum = 0;
      for (let i = 0; i < row.length; i++) sum += row[i] * z[i];
      out += this.outputWeights[j] * Math.tanh(sum + this.hiddenBias[j]);
    });
    return out;
  }

  confidence(values) {
    const z = this.confidenceWeights[0] * values[0] + this.confidenceWeights[1] * values[1] + this.confidenceBias;
    return 1 / (1 + Math.exp(-z));
  }

  /** {confidence, not_sure} of one answer, the /predict fields (contracts section 4). */
  assess(scores, counts) {
    const values = this.features(scores, counts);
    return { confidence: this.confidence(values), not_sure: this.junkScore(values) >= this.threshold };
  }
}

/** Without a fitted rule (an uncalibrated model.json): the top score, and no claim of junk. */
export function uncalibrated(scores) {
  let best = -Infinity;
  for (const p of scores) best = Math.max(best, p);
  return { confidence: best, not_sure: false };
}
