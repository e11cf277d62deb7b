// The personal set in extension storage (storage.local, key `personalSet`, the export file's shape:
// shared/personal-set.js). The background is its only writer: changes queue up here, so two tabs correcting at
// once cannot overwrite each other. Indexes for the blend are built once per model and set version.
import {
  addExamples,
  emptySet,
  encodeEmbedding,
  indexFor,
  makeExample,
  mergeSets,
  parsePersonalSet,
  personalSymbol,
  removeExample,
  removeSymbol,
  summarize,
  DRAWINGS_PER_SYMBOL,
  PersonalSetError,
} from '../shared/personal-set.js';

export const PERSONAL_KEY = 'personalSet';

export class PersonalStore {
  /** @param {{local: {get: Function, set: Function}, onChanged?: {addListener: Function}}} storage api.storage */
  constructor(storage) {
    this.storage = storage;
    this.cache = null; // {set, indexes: Map<model sha256, index>} or {error}
    this.queue = Promise.resolve();
    // The options page of another window, or a sync of the extension's storage: read again next time.
    storage.onChanged?.addListener((changes, area) => {
      if ((area === undefined || area === 'local') && changes[PERSONAL_KEY]) this.cache = null;
    });
  }

  async #load() {
    if (!this.cache) {
      const stored = (await this.storage.local.get(PERSONAL_KEY))[PERSONAL_KEY];
      try {
        this.cache = { set: stored === undefined ? emptySet() : parsePersonalSet(stored), indexes: new Map() };
      } catch (error) {
        // Never overwrite what cannot be read: the user's examples stay in storage, untouched, and say why.
        this.cache = { error: `the stored personal set cannot be read (${error.message}); export is still possible` };
      }
    }
    if (this.cache.error) throw new PersonalSetError(this.cache.error);
    return this.cache;
  }

  async get() {
    return (await this.#load()).set;
  }

  /** The raw stored value, readable or not: what the export button saves. */
  async raw() {
    return (await this.storage.local.get(PERSONAL_KEY))[PERSONAL_KEY] ?? emptySet();
  }

  /** What the blend needs for answers of the model `sha256`: {index, symbolOf, otherModel}. */
  async personalFor(sha256) {
    const cache = await this.#load();
    if (!cache.indexes.has(sha256)) cache.indexes.set(sha256, indexFor(cache.set, sha256));
    return cache.indexes.get(sha256);
  }

  async summary() {
    const set = await this.get();
    return { rows: summarize(set), examples: set.examples.length };
  }

  /** Apply `change(set) -> {set, ...result}` after every earlier change; resolves to the result. */
  #update(change) {
    const run = this.queue.then(async () => {
      const { set } = await this.#load();
      const result = change(set);
      await this.storage.local.set({ [PERSONAL_KEY]: result.set });
      this.cache = { set: result.set, indexes: new Map() };
      return { ...result, set: undefined, examples: result.set.examples.length };
    });
    this.queue = run.catch(() => {}); // one failed change must not block the next ones
    return run;
  }

  /** A correction: the drawing and the candidate the user picked instead of the first. */
  addCorrection({ symbol, strokes, embedding, model }) {
    const example = makeExample({ kind: 'correction', symbol, strokes, embedding, model });
    // exampleId: what the panel's Undo names to take this one correction back.
    return this.#update((set) => ({ set: addExamples(set, [example]), added: 1, exampleId: example.id }));
  }

  /** A personal symbol: a snippet and its DRAWINGS_PER_SYMBOL drawings (each {strokes, embedding, model}). */
  teach({ snippet, drawings }) {
    const symbol = personalSymbol(snippet);
    if (!Array.isArray(drawings) || drawings.length !== DRAWINGS_PER_SYMBOL) {
      return Promise.reject(new PersonalSetError(`drawings: a personal symbol needs ${DRAWINGS_PER_SYMBOL} drawings`));
    }
    const examples = drawings.map((d) => makeExample({ kind: 'personal-symbol', symbol, ...d }));
    return this.#update((set) => ({ set: addExamples(set, examples), added: examples.length, symbol }));
  }

  /**
   * Examples recorded with another model (an update replaced it) embedded again from their stored drawings with
   * `embed(strokes) -> embedding` of the model `sha256` (the extension's own model: nothing leaves the browser).
   * Resolves to how many were updated. Runs behind earlier changes; examples added meanwhile are kept.
   */
  async reembed(sha256, embed) {
    const stale = (await this.get()).examples.filter((e) => e.model !== sha256);
    const fresh = new Map();
    for (const example of stale) {
      const embedding = await embed(example.strokes);
      if (embedding) fresh.set(example.id, encodeEmbedding(embedding));
    }
    if (fresh.size === 0) return { updated: 0 };
    return this.#update((set) => ({
      set: {
        ...set,
        examples: set.examples.map((e) =>
          fresh.has(e.id) && e.model !== sha256 ? { ...e, model: sha256, embedding: fresh.get(e.id) } : e,
        ),
      },
      updated: fresh.size,
    }));
  }

  remove(symbolId) {
    return this.#update((set) => {
      const next = removeSymbol(set, symbolId);
      return { set: next, removed: set.examples.length - next.examples.length };
    });
  }

  /** One example, by its id: the panel's Undo of a correction it just recorded. */
  removeExample(exampleId) {
    return this.#update((set) => {
      const next = removeExample(set, exampleId);
      return { set: next, removed: set.examples.length - next.examples.length };
    });
  }

  import(data) {
    return this.#update((set) => mergeSets(set, data));
  }
}
