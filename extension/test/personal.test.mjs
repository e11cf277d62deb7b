// Personal examples (issue 12) through the real background modules: PersonalStore over an in-memory
// storage.local, Recognition with the real offline model (onnxruntime-web) and the real server, the router's
// messages. A correction makes the same drawing answer the corrected symbol first; a personal symbol taught with
// three drawings becomes a candidate; export and import round-trip; nothing personal reaches the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter } from '../src/background/router.js';
import { PersonalStore, PERSONAL_KEY } from '../src/background/personal-store.js';
import { Recognition } from '../src/background/recognition.js';
import {
  PERSONAL_CORRECTION,
  PERSONAL_EXPORT,
  PERSONAL_IMPORT,
  PERSONAL_LIST,
  PERSONAL_REMOVE,
  PERSONAL_TEACH,
  RECOGNIZE,
} from '../src/shared/messages.js';
import { decodeEmbedding, encodeEmbedding, parsePersonalSet, personalSymbolId } from '../src/shared/personal-set.js';
import { backendMissing, startBackend } from './support/backend.mjs';
import { modelsWithEmbedding } from './support/embedding-models.mjs';
import { crohmeDrawings } from './support/fixtures.mjs';
import { loadOfflineRecognizer } from './support/offline-node.mjs';

const skip = backendMissing() ?? false;
const drawings = crohmeDrawings();
let models;
let offline;
let backend;

before(async () => {
  if (skip) return;
  models = modelsWithEmbedding();
  offline = await loadOfflineRecognizer(models.dir);
  backend = await startBackend({ modelDir: models.dir });
});

after(async () => {
  await backend?.stop();
  models?.remove();
});

/** storage.local in memory, with onChanged, as the browser gives it. */
function memoryStorage(initial = {}) {
  const data = structuredClone(initial);
  const listeners = [];
  return {
    data,
    local: {
      get: async (key) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
      set: async (items) => {
        Object.assign(data, structuredClone(items));
        for (const listener of listeners) listener(Object.fromEntries(Object.keys(items).map((k) => [k, {}])), 'local');
      },
    },
    onChanged: { addListener: (fn) => listeners.push(fn) },
  };
}

function background({ mode = 'offline', storage = memoryStorage(), fetchImpl } = {}) {
  const personal = new PersonalStore(storage);
  const recognition = new Recognition({
    settings: async () => ({ mode, serverUrl: backend.url }),
    offline: async () => offline,
    bundledUrl: (path) => `${backend.url}/${path}`,
    personal,
    ...(fetchImpl ? { fetchImpl } : {}),
  });
  const route = createRouter({ recognition, status: async () => ({}), syncHosts: async () => ({}), personal });
  return { route, storage, personal };
}

/** A drawing moved and scaled (the renderer normalises both away) with a little jitter: "drawn again". */
function redrawn(strokes, seed) {
  let s = seed;
  const xs = strokes.flat().map((p) => p[0]);
  const extent = Math.max(...xs) - Math.min(...xs) || 1;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.01 * extent;
  return strokes.map((stroke) => stroke.map(([x, y]) => [x * 1.3 + 40 + noise(), y * 1.3 - 7 + noise()]));
}

async function recognize(route, strokes) {
  const answer = await route({ type: RECOGNIZE, strokes, k: 5 });
  assert.equal(answer.ok, true, answer.error);
  return answer;
}

for (const mode of ['offline', 'server']) {
  test(`personal_correction_from_place_3_answers_first_next_time_${mode}`, { skip }, async () => {
    const { route } = background({ mode });
    const strokes = drawings[3].strokes;
    const first = await recognize(route, strokes);
    assert.equal(first.predictions.length, 5);
    assert.equal(first.embedding.length, 192);
    const picked = first.predictions[2];
    const stored = await route({
      type: PERSONAL_CORRECTION,
      symbol: picked,
      strokes,
      embedding: first.embedding,
      model: first.model.sha256,
    });
    assert.equal(stored.ok, true, stored.error);
    const again = await recognize(route, redrawn(strokes, 7));
    assert.equal(again.predictions[0].id, picked.id, `${picked.command} first after the correction`);
    assert.equal(again.personalized, true);
    assert.equal(again.predictions.length, 5);
    // An unrelated drawing is not pulled towards the correction.
    const other = drawings.findIndex((d) => d.label !== drawings[3].label && d.strokes.length === 1);
    const unrelated = await recognize(route, drawings[other].strokes);
    assert.notEqual(unrelated.predictions[0].id, picked.id);
  });
}

test('personal_symbol_taught_with_three_drawings_becomes_a_candidate_that_inserts_its_snippet', { skip }, async () => {
  const { route } = background();
  const strokes = drawings[5].strokes;
  const taught = [];
  for (const seed of [1, 2, 3]) {
    const shown = await recognize(route, redrawn(strokes, seed));
    taught.push({ strokes: redrawn(strokes, seed), embedding: shown.embedding, model: shown.model.sha256 });
  }
  const two = await route({ type: PERSONAL_TEACH, snippet: '\\R', drawings: taught.slice(0, 2) });
  assert.equal(two.ok, false);
  assert.match(two.error, /needs 3 drawings/);
  const done = await route({ type: PERSONAL_TEACH, snippet: '\\R', drawings: taught });
  assert.equal(done.ok, true, done.error);
  const answer = await recognize(route, redrawn(strokes, 9));
  const personal = answer.predictions.find((p) => p.id === personalSymbolId('\\R'));
  assert.ok(personal, JSON.stringify(answer.predictions.map((p) => p.command)));
  assert.equal(personal.command, '\\R');
  assert.equal(answer.predictions[0].command, '\\R', 'three near-identical drawings put it first');
  const list = await route({ type: PERSONAL_LIST });
  assert.deepEqual(
    list.rows.map((r) => [r.symbol.command, r.personal, r.drawings]),
    [['\\R', true, 3]],
  );
});

test('personal_export_and_import_round_trip_and_bad_files_change_nothing', { skip }, async () => {
  const source = background();
  const strokes = drawings[2].strokes;
  const shown = await recognize(source.route, strokes);
  await source.route({ type: PERSONAL_CORRECTION, symbol: shown.predictions[1], strokes, embedding: shown.embedding, model: shown.model.sha256 });
  const exported = (await source.route({ type: PERSONAL_EXPORT })).data;
  const file = JSON.parse(JSON.stringify(exported)); // what the download holds
  assert.equal(file.format, 'texsketch-personal-set');
  assert.equal(parsePersonalSet(file).examples.length, 1);
  assert.deepEqual([...decodeEmbedding(file.examples[0].embedding)], [...new Float32Array(shown.embedding)]);

  const target = background();
  const imported = await target.route({ type: PERSONAL_IMPORT, data: file });
  assert.equal(imported.added, 1);
  assert.equal((await target.route({ type: PERSONAL_IMPORT, data: file })).added, 0, 'importing twice adds nothing');
  assert.deepEqual((await target.route({ type: PERSONAL_EXPORT })).data, exported);
  const again = await recognize(target.route, strokes);
  assert.equal(again.predictions[0].id, shown.predictions[1].id, 'the imported correction is used');

  const broken = structuredClone(file);
  broken.examples[0].embedding = 'not base64!';
  const refused = await target.route({ type: PERSONAL_IMPORT, data: broken });
  assert.equal(refused.ok, false);
  assert.match(refused.error, /examples\[0\]\.embedding/);
  assert.equal((await target.route({ type: PERSONAL_LIST })).examples, 1, 'a refused import changes nothing');
  const removed = await target.route({ type: PERSONAL_REMOVE, symbolId: shown.predictions[1].id });
  assert.equal(removed.removed, 1);
  assert.equal((await target.route({ type: PERSONAL_LIST })).examples, 0);
});

test('personal_unreadable_stored_set_is_never_overwritten_and_recognition_still_answers', { skip }, async () => {
  const storage = memoryStorage({ [PERSONAL_KEY]: { format: 'something else' } });
  const { route } = background({ storage });
  const answer = await recognize(route, drawings[1].strokes);
  assert.equal(answer.predictions.length, 5);
  assert.match(answer.personalError, /cannot be read/);
  const refused = await route({ type: PERSONAL_CORRECTION, symbol: answer.predictions[1], strokes: drawings[1].strokes, embedding: answer.embedding, model: answer.model.sha256 });
  assert.equal(refused.ok, false);
  assert.deepEqual(storage.data[PERSONAL_KEY], { format: 'something else' });
  assert.deepEqual((await route({ type: PERSONAL_EXPORT })).data, { format: 'something else' }, 'still exportable');
});

test('personal_examples_never_reach_the_server', { skip }, async () => {
  const bodies = [];
  const fetchImpl = async (url, init) => {
    if (init?.body) bodies.push({ url, body: JSON.parse(init.body) });
    return fetch(url, init);
  };
  const { route } = background({ mode: 'server', fetchImpl });
  const strokes = drawings[4].strokes;
  const shown = await recognize(route, strokes);
  await route({ type: PERSONAL_CORRECTION, symbol: shown.predictions[3], strokes, embedding: shown.embedding, model: shown.model.sha256 });
  await recognize(route, strokes);
  assert.ok(bodies.length >= 2);
  for (const { url, body } of bodies) {
    assert.equal(new URL(url).pathname, '/predict');
    assert.deepEqual(Object.keys(body).sort(), ['embedding', 'k', 'strokes']);
    assert.equal(body.embedding, true);
  }
});

test('personal_embedding_encoding_is_exact_float32', () => {
  const values = [0.1, -0.25, 1 / 3, 0, -0];
  assert.deepEqual([...decodeEmbedding(encodeEmbedding(values))], [...new Float32Array(values)]);
});

test('personal_symbol_picks_are_never_sent_as_feedback_even_when_switched_on', async () => {
  const { FeedbackSender } = await import('../src/background/feedback-sender.js');
  const sent = [];
  const sender = new FeedbackSender({
    settings: async () => ({ sendFeedback: true, mode: 'server', serverUrl: 'http://127.0.0.1:9' }),
    client: 'extension/test',
    fetchImpl: async (url, init) => {
      sent.push(JSON.parse(init.body));
      return new Response(JSON.stringify({ id: 1 }), { status: 201 });
    },
    log: () => {},
  });
  const strokes = [[[0, 0], [1, 1]]];
  const personal = personalSymbolId('\\R');
  const mine = await sender.send({ drawingId: 'a', strokes, chosenId: personal, shown: [personal, 'x'], modelVersion: 'v' });
  assert.deepEqual(mine, { sent: false, reason: 'a personal symbol stays in the browser' });
  const other = await sender.send({ drawingId: 'b', strokes, chosenId: 'x', shown: [personal, 'x', 'y'], modelVersion: 'v' });
  assert.equal(other.sent, true);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].shown, ['x', 'y'], 'a personal candidate is left out of the shown list');
});

test('personal_examples_of_an_older_model_are_embedded_again_locally_after_an_update', { skip }, async () => {
  const storage = memoryStorage();
  const { route, personal } = background({ storage });
  const strokes = drawings[3].strokes;
  const shown = await recognize(route, strokes);
  const picked = shown.predictions[2];
  // As recorded by a previous model: another sha256, an embedding this model cannot compare with.
  await personal.addCorrection({ symbol: picked, strokes, embedding: shown.embedding.map((v, i) => (i % 2 ? v : -v)), model: 'f'.repeat(64) });
  const before = await recognize(route, strokes);
  assert.notEqual(before.predictions[0].id, picked.id, 'an example of another model is not used as is');
  for (let i = 0; i < 100 && storage.data[PERSONAL_KEY].examples[0].model !== shown.model.sha256; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const stored = storage.data[PERSONAL_KEY].examples[0];
  assert.equal(stored.model, shown.model.sha256, 're-embedded with the current model');
  const after = await recognize(route, strokes);
  assert.equal(after.predictions[0].id, picked.id, 'and used: the correction answers first');
});
