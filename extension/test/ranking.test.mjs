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

test('summary_alternatives_leave_out_the_answers_own_command_duplicates_and_other_mode_twins', () => {
  const glyph = 'latex2e-OT1-_bullet';
  const entry = (id, command, pkg, math, text) => ({ id, command, package: pkg, math, text, glyph });
  const catalogue = new Catalogue({
    symbols: [
      entry('latex2e-OT1-_bullet', '\\bullet', null, true, false),
      entry('latex2e-OT1-_textbullet', '\\textbullet', null, false, true),
      entry('textcomp-OT1-_textbullet', '\\textbullet', 'textcomp', false, true),
      entry('amssymb-OT1-_bullet', '\\bullet', 'amssymb', true, false),
      entry('wasysym-OT1-_newmoon', '\\newmoon', 'wasysym', true, true),
      entry('other-OT1-_newmoon', '\\newmoon', 'other', true, true),
    ],
  });
  const commands = (id) => summary(catalogue.byId.get(id), catalogue).alternatives.map((a) => a.command);
  assert.deepEqual(commands('latex2e-OT1-_bullet'), ['\\newmoon']);
  assert.deepEqual(commands('latex2e-OT1-_textbullet'), ['\\newmoon']);
  assert.deepEqual(commands('wasysym-OT1-_newmoon'), ['\\bullet', '\\textbullet']);
});

test('summary_alternatives_name_the_lightest_package_of_a_command', () => {
  const glyph = 'latex2e-OT1-_vee';
  const entry = (id, command, pkg) => ({ id, command, package: pkg, math: true, text: false, glyph });
  const catalogue = new Catalogue({
    symbols: [
      entry('latex2e-OT1-_vee', '\\vee', null),
      entry('MnSymbol-OT1-_lor', '\\lor', 'MnSymbol'),
      entry('amssymb-OT1-_curlyvee', '\\curlyvee', 'stix'),
      entry('amssymb-OT1-_curlyvee2', '\\curlyvee', 'amssymb'),
      entry('latex2e-OT1-_lor', '\\lor', null),
    ],
  });
  const alternatives = summary(catalogue.byId.get('latex2e-OT1-_vee'), catalogue).alternatives;
  assert.deepEqual(alternatives.map((a) => [a.command, a.package]), [['\\lor', null], ['\\curlyvee', 'amssymb']]);
});
