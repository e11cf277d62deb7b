// The JavaScript personal blend against the Python reference's golden vectors (tests/golden/personal_blend.json,
// written by tests/golden/generate_personal_blend.py): the same similarities, order and scores, to the bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CANDIDATE_POOL,
  DEFAULT_PARAMETERS,
  PersonalIndex,
  QUANT_SCALE,
  blend,
  personalizeAnswer,
} from '../src/shared/personal-blend.js';

const golden = JSON.parse(readFileSync(new URL('../../tests/golden/personal_blend.json', import.meta.url), 'utf8'));

test('personal_blend_golden_file_matches_the_module_constants', () => {
  assert.equal(golden.quant_scale, QUANT_SCALE);
  assert.equal(golden.candidate_pool, CANDIDATE_POOL);
  assert.deepEqual(golden.default_params, { ...DEFAULT_PARAMETERS });
});

for (const c of golden.cases) {
  test(`personal_blend_golden_case: ${c.name}`, () => {
    const index = new PersonalIndex(c.examples.map((e) => ({ symbolId: e.symbol, embedding: e.embedding })));
    const sims = index.similarities(c.embedding);
    assert.deepEqual([...sims], c.expected_similarities);
    const ranked = blend(c.candidates, sims, index.symbolIds, c.params);
    assert.deepEqual(
      ranked.map((r) => ({ id: r.id, score: r.score, model_score: r.modelScore, bonus: r.bonus })),
      c.expected,
    );
  });
}

test('personal_blend_personalize_answer_uses_stored_entries_for_symbols_the_model_did_not_offer', () => {
  const c = golden.cases.find((x) => x.name.includes('does not know'));
  const answer = {
    predictions: c.candidates.map((p) => ({ id: p.id, command: p.id, score: p.score, alternatives: [] })),
    embedding: c.embedding,
    model: { sha256: 'x' },
  };
  const index = new PersonalIndex(c.examples.map((e) => ({ symbolId: e.symbol, embedding: e.embedding })));
  const personal = { index, symbolOf: (id) => (id.startsWith('personal:') ? { id, command: '\\R', alternatives: [] } : undefined) };
  const shown = personalizeAnswer(answer, personal, 5);
  assert.equal(shown.personalized, true);
  assert.equal(shown.predictions.length, 5);
  assert.deepEqual(shown.predictions.map((p) => p.id), c.expected.slice(0, 5).map((e) => e.id));
  assert.equal(shown.predictions[0].command, '\\R');
  assert.equal(shown.predictions[0].score, c.expected[0].score);
});

test('personal_blend_personalize_answer_without_embedding_or_examples_keeps_the_model_answer', () => {
  const answer = { predictions: [1, 2, 3, 4, 5, 6].map((i) => ({ id: `s${i}`, score: 1 / (i + 1) })), embedding: null, model: {} };
  const empty = { index: new PersonalIndex([]), symbolOf: () => undefined };
  for (const personal of [null, empty]) {
    const shown = personalizeAnswer({ ...answer, embedding: [1, 0] }, personal, 5);
    assert.deepEqual(shown.predictions, answer.predictions.slice(0, 5));
    assert.equal(shown.personalized, false);
  }
  assert.deepEqual(personalizeAnswer(answer, empty, 3).predictions, answer.predictions.slice(0, 3));
});

test('personal_blend_a_first_answer_from_the_writers_examples_is_not_marked_not_sure', () => {
  const c = golden.cases.find((x) => x.name.includes('place 3 to first'));
  const index = new PersonalIndex(c.examples.map((e) => ({ symbolId: e.symbol, embedding: e.embedding })));
  const answer = {
    predictions: c.candidates.map((p) => ({ id: p.id, command: p.id, score: p.score, alternatives: [] })),
    embedding: c.embedding,
    model: {},
    not_sure: true,
    confidence: 0.3,
  };
  const personal = { index, symbolOf: () => undefined };
  const shown = personalizeAnswer(answer, personal, 5);
  assert.equal(shown.predictions[0].id, c.candidates[2].id);
  assert.equal(shown.not_sure, false);
  assert.equal(shown.confidence, 0.3, 'the calibrated confidence is the model\'s, unchanged');
  const far = personalizeAnswer({ ...answer, embedding: c.embedding.map((v) => -v) }, personal, 5);
  assert.equal(far.not_sure, true, 'no near example: the model\'s judgement stands');
});

test('personal_blend_similarities_exact_for_odd_counts_and_dimensions', () => {
  // The two-rows-at-a-time loop has tails for an odd number of examples and of dimensions: each similarity must
  // still be the plain integer dot product over 32767^2.
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (const [count, dim] of [[1, 1], [3, 5], [5, 7], [4, 9], [7, 192]]) {
    const examples = Array.from({ length: count }, (_, i) => ({
      symbolId: `s${i}`,
      embedding: Array.from({ length: dim }, random),
    }));
    const query = Array.from({ length: dim }, random);
    const q = (v) => Math.min(QUANT_SCALE, Math.max(-QUANT_SCALE, Math.floor(Math.fround(v) * QUANT_SCALE + 0.5)));
    const expected = examples.map((e) => {
      let sum = 0;
      for (let d = 0; d < dim; d++) sum += q(e.embedding[d]) * q(query[d]);
      return sum / (QUANT_SCALE * QUANT_SCALE);
    });
    assert.deepEqual([...new PersonalIndex(examples).similarities(query)], expected, `${count} x ${dim}`);
  }
});
