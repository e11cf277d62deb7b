// Offline recognition: the shipped ONNX model in onnxruntime-web, run in the background (never in the content
// script: Overleaf's CSP forbids wasm compilation there). Same renderer (src/render.js, the golden-vector port
// of backend/render.py), same model, same ranking as the server, so the answers match.
import { MAX_COUNT, renderCounts, SIZE } from '../render.js';
import { OfflineAnswers } from './offline-answers.js';
import { UncertaintyRule, uncalibrated } from './confidence.js';
import { topDistinct } from './ranking.js';

export class OfflineRecognizer {
  /**
   * @param {object} ort the onnxruntime-web module (the wasm bundle build in the extension, the npm package in tests)
   * @param {{model: Uint8Array, card: object, answers: object}} files model.onnx bytes, model.json, answers.json
   *   (build.mjs `offlineFiles`: the answers table of src/background/offline-answers.js, not the catalogue)
   */
  static async create(ort, { model, card, answers }) {
    ort.env.wasm.numThreads = 1; // extension pages are not cross-origin isolated: no SharedArrayBuffer threads
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    return new OfflineRecognizer(ort, session, card, answers);
  }

  constructor(ort, session, card, answers) {
    this.ort = ort;
    this.session = session;
    this.card = card;
    this.inputName = card.input ?? 'image';
    this.outputName = card.output ?? 'scores';
    // The L2-normalised embedding (contracts section 3) for the personal blend; null for older models.
    this.embeddingName = card.embedding_output ?? null;
    if (!Array.isArray(card.labels) || card.labels.length === 0) throw new Error('model.json: no labels');
    // Each label's /predict entry (score aside), decoded when first answered; a table of another model throws.
    this.answers = new OfflineAnswers(answers, card);
    this.model = { version: card.version ?? null, sha256: card.sha256 ?? null };
    // The server's "not sure" rule with the same fitted numbers (backend/confidence.py); none before calibration.
    this.uncertainty = card.uncertainty ? new UncertaintyRule(card.uncertainty) : null;
  }

  /** Probabilities for one drawing. */
  async scores(strokes) {
    return (await this.#run(strokes)).scores;
  }

  async #run(strokes) {
    const counts = renderCounts(strokes);
    const image = Float32Array.from(counts, (count) => count / MAX_COUNT); // src/render.js render(), counts kept
    const input = new this.ort.Tensor('float32', image, [1, 1, SIZE, SIZE]);
    const output = await this.session.run({ [this.inputName]: input });
    const scores = output[this.outputName].data;
    if (scores.length !== this.answers.length) {
      throw new Error(`the model gave ${scores.length} scores for ${this.answers.length} labels`);
    }
    const embedding = this.embeddingName ? Array.from(output[this.embeddingName].data) : null;
    return { scores, embedding, counts };
  }

  /** The /predict answer shape (contracts section 4) for one drawing; `embedding` as with `"embedding": true`. */
  async predict(strokes, k = 5) {
    const { scores, embedding, counts } = await this.#run(strokes);
    const top = topDistinct(scores, this.answers.glyphOfLabel, Math.min(k, scores.length));
    return {
      predictions: top.map((i) => ({ ...this.answers.entry(i), score: scores[i] })),
      ...(this.uncertainty ? this.uncertainty.assess(scores, counts) : uncalibrated(scores)),
      model: this.model,
      embedding,
    };
  }
}
