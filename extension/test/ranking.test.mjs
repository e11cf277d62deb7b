// Offline ranking must equal the server's (backend/recognizer.py rank / _distinct_top).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topDistinct } from '../src/background/ranking.js';
import { Catalogue, summary } from '../src/background/catalogue.js';

test('topDistinct_orders_by_score_and_keeps_ties_in_label_order', () => {
  const scores = Float32Array.from([0.1, 0.4, 0.1, 0.3, 0.1]);
  assert.deepEqual(topDistinct(scores, ['a', 'b', 'c', 'd', 'e'], 4), [1, 3, 0, 2]);
});

test('topDistinct_keeps_the_best_label_of_each_glyph_group', () => {
  const scores = [0.05, 0.5, 0.3, 0.15];
  assert.deepEqual(topDistinct(scores, ['g1', 'g2', 'g2', 'g3'], 3), [1, 3, 0]);
});

test('summary_lists_the_other_members_of_the_glyph_group_as_alternatives', () => {
  const catalogue = new Catalogue({
    symbols: [
      { id: 'latex2e-OT1-_epsilon', command: '\\epsilon', package: null, math: true, text: false, glyph: 'latex2e-OT1-_epsilon', preview: 'previews/a.svg' },
      { id: 'amssymb-OT1-_varepsilon', command: '\\varepsilon', package: 'amssymb', math: true, text: true, glyph: 'latex2e-OT1-_epsilon' },
    ],
  });
  const entry = summary(catalogue.byId.get('latex2e-OT1-_epsilon'), catalogue);
  assert.equal(entry.preview_url, '/previews/a.svg');
  assert.equal(entry.mode, 'math');
  assert.deepEqual(entry.alternatives, [{ id: 'amssymb-OT1-_varepsilon', command: '\\varepsilon', package: 'amssymb', mode: 'both' }]);
});
