// The personal blend (issue 12): the model's candidates re-ranked by the writer's own examples. This is the
// JavaScript port of backend/personal_blend.py, whose docstring defines the rule; tests/golden/personal_blend.json
// (written by tests/golden/generate_personal_blend.py) proves both give the same order and the same scores to
// the bit. Used by the extension (server and offline answers alike) and by the demo page (served at
// /personal/personal-blend.js). No DOM, no browser API: it runs in a service worker, a page and Node.

import { IntegerRows } from './integer-dots.js';

// Integer range of a quantised component: integer dot products are exact in doubles in any summation order.
export const QUANT_SCALE = 32767;
// Model candidates a blend can reorder: the server's largest k, so server and offline answers blend one list.
export const CANDIDATE_POOL = 20;

// Tuned on held-out CROHME writers (make eval-personal); the reasons are in backend/personal_blend.py.
export const DEFAULT_PARAMETERS = Object.freeze({ neighbours: 5, threshold: 0.6, power: 2, weight: 2.0 });

/** A float embedding -> integer-valued doubles floor(e * 32767 + 0.5), clipped (Math.fround: float32 first). */
export function quantise(embedding, out = new Float64Array(embedding.length)) {
  for (let i = 0; i < embedding.length; i++) {
    const v = Math.floor(Math.fround(embedding[i]) * QUANT_SCALE + 0.5);
    if (!Number.isFinite(v)) throw new Error('an embedding holds NaN or infinity');
    out[i] = v > QUANT_SCALE ? QUANT_SCALE : v < -QUANT_SCALE ? -QUANT_SCALE : v;
  }
  return out;
}

/** Many examples in one flat array (integer-dots.js), quantised once: an answer costs one pass over it. */
export class PersonalIndex {
  /**
   * @param {{symbolId: string, embedding: ArrayLike<number>}[]} examples raw (float) embeddings of one model
   * @param {{simd?: boolean}} [options] simd: false forces the plain JavaScript loop (tests compare the two)
   */
  constructor(examples, options = {}) {
    this.size = examples.length;
    this.dim = examples.length ? examples[0].embedding.length : 0;
    this.symbolIds = examples.map((e) => e.symbolId);
    this.rows = new IntegerRows(this.size, this.dim, options);
    examples.forEach((example, i) => {
      if (example.embedding.length !== this.dim) {
        throw new Error(`example ${i} has ${example.embedding.length} dimensions, the first one ${this.dim}`);
      }
      quantise(example.embedding, this.rows.row(i));
    });
  }

  /** dot(q, q_i) / 32767^2 for every example; `embedding` is the drawing's float embedding. */
  similarities(embedding) {
    const sims = new Float64Array(this.size);
    if (this.size === 0) return sims;
    if (embedding.length !== this.dim) {
      throw new Error(`the drawing's embedding has ${embedding.length} dimensions, the examples ${this.dim}`);
    }
    quantise(embedding, this.rows.query); // the first `dim` values; the padding stays zero
    const dots = this.rows.dots();
    const scale = QUANT_SCALE * QUANT_SCALE;
    for (let i = 0; i < this.size; i++) sims[i] = dots[i] / scale;
    return sims;
  }
}

/** Indices of the neighbours: highest similarity first, ties by index, only above the threshold. */
export function nearest(sims, params = DEFAULT_PARAMETERS) {
  const chosen = []; // kept sorted, at most params.neighbours long: insertion beats sorting all N
  for (let i = 0; i < sims.length; i++) {
    const s = sims[i];
    if (!(s > params.threshold)) continue;
    if (chosen.length === params.neighbours && !(s > sims[chosen[chosen.length - 1]])) continue;
    let at = chosen.length;
    while (at > 0 && s > sims[chosen[at - 1]]) at--;
    chosen.splice(at, 0, i);
    if (chosen.length > params.neighbours) chosen.pop();
  }
  return chosen;
}

/**
 * Re-rank model candidates by the examples' similarities (backend/personal_blend.py `blend`, step by step).
 * @param {{id: string, score: number}[]} candidates best first
 * @param {Float64Array|number[]} sims one per example
 * @param {string[]} exampleIds the symbol of each example
 * @returns {{id: string, score: number, modelScore: number, bonus: number}[]}
 */
export function blend(candidates, sims, exampleIds, params = DEFAULT_PARAMETERS) {
  if (sims.length !== exampleIds.length) throw new Error(`${sims.length} similarities for ${exampleIds.length} examples`);
  const bonus = new Map();
  let total = 0;
  for (const index of nearest(sims, params)) {
    const x = (sims[index] - params.threshold) / (1 - params.threshold);
    let w = x;
    for (let p = 1; p < params.power; p++) w = w * x;
    const symbol = exampleIds[index];
    bonus.set(symbol, (bonus.get(symbol) ?? 0) + w);
    total = total + w;
  }
  const pool = candidates.map((c) => [c.id, c.score]);
  const offered = new Set(pool.map(([id]) => id));
  for (const symbol of bonus.keys()) if (!offered.has(symbol)) pool.push([symbol, 0]);
  const denominator = 1 + params.weight * total;
  const blended = pool.map(([id, p]) => {
    const b = bonus.get(id) ?? 0;
    return { id, score: (p + params.weight * b) / denominator, modelScore: p, bonus: b };
  });
  return blended.sort((a, b) => b.score - a.score); // Array.prototype.sort is stable: model order breaks ties
}

/**
 * A /predict answer (k = CANDIDATE_POOL, with `embedding`) re-ranked by the personal examples recorded with the
 * same model; returns the answer with its top `k` predictions. Symbols the model did not offer come from the
 * examples' stored entries (`symbolOf`). Without an embedding or a usable example the model's order stays.
 * @param {{predictions: object[], embedding?: number[]|null, model: {sha256?: string}}} answer
 * @param {{index: PersonalIndex, symbolOf: (id: string) => object|undefined}|null} personal
 */
export function personalizeAnswer(answer, personal, k, params = DEFAULT_PARAMETERS) {
  const predictions = answer.predictions;
  if (!personal || personal.index.size === 0 || !answer.embedding) {
    return { ...answer, predictions: predictions.slice(0, k), personalized: false };
  }
  const byId = new Map(predictions.map((p) => [p.id, p]));
  const ranked = blend(
    predictions.map((p) => ({ id: p.id, score: p.score })),
    personal.index.similarities(answer.embedding),
    personal.index.symbolIds,
    params,
  );
  const shown = [];
  for (const c of ranked) {
    const entry = byId.get(c.id) ?? personal.symbolOf(c.id);
    if (!entry) continue; // an example whose symbol entry is gone: nothing to show
    shown.push({ ...entry, score: c.score, model_score: c.modelScore, personal_bonus: c.bonus });
    if (shown.length === k) break;
  }
  const answered = { ...answer, predictions: shown, personalized: true };
  // The model's "not sure" (backend/confidence.py) judges its own scores; when the writer's own examples put the
  // first answer there, it is the writer's label, not a guess: no "draw it again" hint then.
  if (answer.not_sure === true && shown[0]?.personal_bonus > 0) answered.not_sure = false;
  return answered;
}
