// The personal blend's dot products (src/shared/integer-dots.js): the embedded WebAssembly is the assembled
// integer-dots.wat, and its SIMD path gives exactly the integers of the plain JavaScript loop and of BigInt
// arithmetic, at the extremes of the int16 range and for lengths that are not a multiple of eight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { IntegerRows, KERNEL_BASE64, simdKernel } from '../src/shared/integer-dots.js';
import { PersonalIndex } from '../src/shared/personal-blend.js';

const golden = JSON.parse(readFileSync(new URL('../../tests/golden/personal_blend.json', import.meta.url), 'utf8'));

function filled(count, dim, valueAt, simd) {
  const rows = new IntegerRows(count, dim, { simd });
  for (let i = 0; i < count; i++) {
    const row = rows.row(i);
    for (let d = 0; d < dim; d++) row[d] = valueAt(i, d);
  }
  for (let d = 0; d < dim; d++) rows.query[d] = valueAt(-1, d);
  return rows;
}

function exactDots(count, dim, valueAt) {
  return Array.from({ length: count }, (_, i) => {
    let sum = 0n;
    for (let d = 0; d < dim; d++) sum += BigInt(valueAt(i, d)) * BigInt(valueAt(-1, d));
    return Number(sum);
  });
}

test('integer_dots_embedded_kernel_is_the_assembled_wat_source', async () => {
  const wabt = await wabtInit();
  const source = readFileSync(new URL('../src/shared/integer-dots.wat', import.meta.url), 'utf8');
  const module = wabt.parseWat('integer-dots.wat', source, { simd: true });
  const assembled = Buffer.from(module.toBinary({}).buffer).toString('base64');
  module.destroy();
  assert.equal(KERNEL_BASE64, assembled, 'the .wat changed: run node tools/assemble-kernel.mjs');
});

test('integer_dots_node_runs_the_simd_kernel', () => {
  // Otherwise every comparison below would test the JavaScript loop against itself.
  assert.notEqual(simdKernel(), null);
  assert.equal(new IntegerRows(3, 10).simd, true);
  assert.equal(new IntegerRows(3, 10, { simd: false }).simd, false);
});

test('integer_dots_simd_equals_javascript_and_bigint_at_the_int16_extremes', () => {
  // Every product at its largest, same sign and alternating: the int32 lanes are at their limit here.
  const cases = [
    [(i, d) => 32767, 'all +32767'],
    [(i, d) => (i < 0 ? -32767 : 32767), 'opposite signs'],
    [(i, d) => ((d + Math.max(i, 0)) % 2 ? -32767 : 32767), 'alternating'],
  ];
  for (const [valueAt, name] of cases) {
    for (const dim of [1, 7, 8, 9, 192, 1000]) {
      const expected = exactDots(5, dim, valueAt);
      assert.deepEqual([...filled(5, dim, valueAt, true).dots()], expected, `${name}, dim ${dim}, SIMD`);
      assert.deepEqual([...filled(5, dim, valueAt, false).dots()], expected, `${name}, dim ${dim}, JavaScript`);
    }
  }
});

test('integer_dots_simd_equals_javascript_on_random_rows_of_odd_sizes', () => {
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 65535) - 32767;
  for (const [count, dim] of [[0, 0], [1, 1], [3, 13], [1000, 192], [257, 191], [40, 513]]) {
    const values = new Map();
    const valueAt = (i, d) => {
      const key = `${i},${d}`;
      if (!values.has(key)) values.set(key, random());
      return values.get(key);
    };
    const simd = filled(count, dim, valueAt, true);
    const plain = filled(count, dim, valueAt, false);
    const expected = exactDots(count, dim, valueAt);
    assert.deepEqual([...simd.dots()], expected, `${count} x ${dim}, SIMD`);
    assert.deepEqual([...plain.dots()], expected, `${count} x ${dim}, JavaScript`);
    // A second query on the same rows: the kernel leaves the rows and its results area consistent.
    for (let d = 0; d < dim; d++) simd.query[d] = plain.query[d] = random();
    assert.deepEqual([...simd.dots()], [...plain.dots()], `${count} x ${dim}, second query`);
  }
});

test('integer_dots_personal_index_similarities_are_the_same_with_and_without_simd', () => {
  for (const c of golden.cases) {
    const examples = c.examples.map((e) => ({ symbolId: e.symbol, embedding: e.embedding }));
    const withSimd = new PersonalIndex(examples).similarities(c.embedding);
    const without = new PersonalIndex(examples, { simd: false }).similarities(c.embedding);
    assert.deepEqual([...withSimd], c.expected_similarities, c.name);
    assert.deepEqual([...without], c.expected_similarities, c.name);
  }
});
