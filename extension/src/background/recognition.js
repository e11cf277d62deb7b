// One recognition in the mode the user chose (options page): server, offline, or auto (server, falling back to
// the shipped model). The answer always says who answered and, after a fallback, why.
import { fetchAsDataUrl, predictOnServer, ServerUnreachable } from './server-client.js';
import { CANDIDATE_POOL, personalizeAnswer } from '../shared/personal-blend.js';

// Previews are a few KB each; a few hundred cover every symbol a writer uses in a session.
const PREVIEW_CACHE_SIZE = 500;

export class Recognition {
  /**
   * @param {object} deps
   * @param {() => Promise<object>} deps.settings current settings (shared/settings.js)
   * @param {() => Promise<import('./offline-recognizer.js').OfflineRecognizer>} deps.offline the loaded offline model
   * @param {(path: string) => string} deps.bundledUrl URL of a file shipped in the extension (`previews/x.svg`)
   * @param {typeof fetch} [deps.fetchImpl]
   * @param {import('./personal-store.js').PersonalStore} [deps.personal] personal examples: answers are blended
   */
  constructor({ settings, offline, bundledUrl, fetchImpl = (...args) => fetch(...args), personal = null }) {
    this.settings = settings;
    this.personal = personal;
    this.offline = offline;
    this.bundledUrl = bundledUrl;
    this.fetchImpl = fetchImpl;
    this.previewCache = new Map();
    this.reembedding = null; // the re-embedding of an older model's examples under way, if any
  }

  /** Load the offline model ahead of the first drawing when it may be used (the panel just opened). */
  async warmUp() {
    const { mode } = await this.settings();
    if (mode !== 'server') this.offline().catch(() => {}); // a failure shows on the first recognition
  }

  async recognize(strokes, k) {
    const { mode, serverUrl } = await this.settings();
    const started = performance.now();
    let answer;
    // Both ways ask for the blend's whole candidate pool and the embedding, and blend the same way (below).
    const pool = this.personal ? Math.max(k, CANDIDATE_POOL) : k;
    if (mode === 'offline') {
      answer = { ...(await this.#offline(strokes, pool)), answeredBy: 'offline' };
    } else {
      try {
        const asked = { fetchImpl: this.fetchImpl, embedding: Boolean(this.personal) };
        answer = { ...(await predictOnServer(serverUrl, strokes, pool, asked)), answeredBy: 'server' };
      } catch (error) {
        if (mode === 'server' || !(error instanceof ServerUnreachable)) throw error;
        answer = { ...(await this.#offline(strokes, pool)), answeredBy: 'offline', fallbackReason: error.message };
      }
    }
    answer = await this.#personalize(answer, k);
    answer.recognizeMs = Math.round(performance.now() - started);
    await this.#attachPreviews(answer, serverUrl);
    return answer;
  }

  // The personal blend (shared/personal-blend.js) with the examples recorded under the answering model. A set
  // that cannot be read must not stop recognition: the model's answer is shown, and the reason kept.
  async #personalize(answer, k) {
    let personal = null;
    if (this.personal && answer.embedding && answer.model?.sha256) {
      try {
        personal = await this.personal.personalFor(answer.model.sha256);
      } catch (error) {
        answer.personalError = error.message;
      }
    }
    if (personal?.otherModel > 0) this.#reembedLater(answer.model.sha256);
    return personalizeAnswer(answer, personal, k);
  }

  // After a model update, examples of the old model are embedded again from their drawings, in the background
  // and only with the extension's own model (when it is the answering model): nothing is sent anywhere.
  #reembedLater(sha256) {
    if (this.reembedding) return;
    this.reembedding = (async () => {
      const recognizer = await this.offline();
      if (recognizer.model.sha256 !== sha256 || !recognizer.embeddingName) return { updated: 0 };
      return this.personal.reembed(sha256, async (strokes) => (await recognizer.predict(strokes, 1)).embedding);
    })()
      .catch((error) => ({ updated: 0, error: error.message }))
      .finally(() => {
        setTimeout(() => (this.reembedding = null), 0);
      });
  }

  async #offline(strokes, k) {
    let recognizer;
    try {
      recognizer = await this.offline();
    } catch (error) {
      throw new Error(`the offline model could not be loaded: ${error.message}`);
    }
    return recognizer.predict(strokes, k);
  }

  // Previews become data: URLs so the panel shows them on any page, whatever its CSP says about our origins.
  // Server answers use the server's previews; offline ones the copies shipped in the extension.
  async #attachPreviews(answer, serverUrl) {
    await Promise.all(
      answer.predictions.map(async (prediction) => {
        const path = prediction.preview_url;
        if (!path) return;
        const url = answer.answeredBy === 'server' ? `${serverUrl}${path}` : this.bundledUrl(path.replace(/^\//, ''));
        try {
          if (!this.previewCache.has(url)) {
            if (this.previewCache.size >= PREVIEW_CACHE_SIZE) this.previewCache.clear();
            this.previewCache.set(url, await fetchAsDataUrl(url, { fetchImpl: this.fetchImpl }));
          }
          prediction.preview = this.previewCache.get(url);
        } catch {
          prediction.preview = null; // the panel then shows the Unicode character or the command
        }
      }),
    );
  }
}
