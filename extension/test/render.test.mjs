// The JavaScript renderer against the same golden vectors as the Python one (tests/golden/render.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RENDER_VERSION, SIZE, render, renderCounts } from '../src/render.js';

const golden = JSON.parse(readFileSync(new URL('../../tests/golden/render.json', import.meta.url), 'utf8'));

test('golden file matches the renderer version', () => {
  assert.equal(golden.render_version, RENDER_VERSION);
  assert.equal(golden.size, SIZE);
});

for (const c of golden.cases) {
  test(`renderCounts golden case: ${c.name}`, () => {
    const counts = renderCounts(c.strokes);
    const rows = [];
    for (let y = 0; y < SIZE; y++) {
      let row = '';
      for (let x = 0; x < SIZE; x++) row += golden.digits[counts[y * SIZE + x]];
      rows.push(row);
    }
    assert.deepEqual(rows, c.expected);
  });
}

test('render gives model input in [0, 1]', () => {
  const image = render([[[0, 0], [10, 10]]]);
  assert.equal(image.length, SIZE * SIZE);
  assert.equal(Math.max(...image), 1);
  assert.equal(Math.min(...image), 0);
});

test('renderCounts rejects NaN and empty drawings', () => {
  assert.throws(() => renderCounts([]), /no strokes/);
  assert.throws(() => renderCounts([[]]), /no points/);
  assert.throws(() => renderCounts([[[0, NaN]]]), /finite/);
});
