// The offline answers table (src/background/offline-answers.js): small, and every label decodes to the answer the
// full catalogue gives (backend/symbol_json.py `summary`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Catalogue, summary } from '../src/background/catalogue.js';
import { commandFromId, encodeAnswers, OfflineAnswers, previewUrlOf } from '../src/background/offline-answers.js';
import { md5Hex } from '../src/background/md5.js';

const glyph = 'latex2e-OT1-_epsilon';
const CATALOGUE = {
  catalogue_version: 'test',
  symbols: [
    { id: glyph, command: '\\epsilon', package: null, math: true, text: false, glyph, unicode: 'ϵ',
      preview: `previews/${md5Hex(glyph)}.svg` },
    { id: 'amssymb-OT1-_varepsilon', command: '\\varepsilon', package: 'amssymb', math: true, text: true, glyph },
    { id: 'unicode-math-TU-_mupepsilon', command: '\\mupvarepsilon', package: 'unicode-math', math: true, text: false, glyph },
    // An answer whose id does not spell its command and whose preview breaks the md5 rule.
    { id: 'latex2e-OT1-_not_approx', command: '\\not\\approx', package: null, math: true, text: false },
    { id: 'stix-OT1-odd', command: '\\oddity', package: 'stix', math: false, text: true, preview: 'previews/other.svg' },
    { id: 'wasysym-OT1-_sun', command: '\\sun', package: 'wasysym', math: true, text: true },
  ],
};
const CARD = { sha256: 'abc', labels: [glyph, 'latex2e-OT1-_not_approx', 'stix-OT1-odd', 'wasysym-OT1-_sun'] };

test('commandFromId_reads_the_command_an_id_spells', () => {
  assert.equal(commandFromId('latex2e-OT1-_not_approx'), '\\not\\approx');
  assert.equal(commandFromId('unicode-math-TU-_mupBeta'), '\\mupBeta');
  assert.equal(commandFromId('latex2e-OT1-<'), '<');
  assert.equal(commandFromId('no encoding'), null);
});

test('md5Hex_equals_node_crypto_on_ids_and_block_edges', () => {
  for (const text of ['', 'latex2e-OT1-_alpha', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'é≠∑'.repeat(40)]) {
    assert.equal(md5Hex(text), createHash('md5').update(text, 'utf8').digest('hex'), JSON.stringify(text));
  }
});

test('OfflineAnswers_gives_back_every_labels_summary', () => {
  const table = encodeAnswers(CATALOGUE, CARD);
  const full = new Catalogue(CATALOGUE);
  const answers = new OfflineAnswers(JSON.parse(JSON.stringify(table)), CARD);
  const entries = CARD.labels.map((_, i) => answers.entry(i));
  const { glyphOfLabel } = answers;
  assert.deepEqual(entries, CARD.labels.map((label) => summary(full.byId.get(label), full)));
  assert.deepEqual(glyphOfLabel, CARD.labels);
  assert.equal(entries[0].preview_url, previewUrlOf(glyph));
  assert.equal(entries[2].preview_url, '/previews/other.svg');
  assert.equal(entries[3].preview_url, null);
  // Only what the rules cannot compute is stored: the alternatives once, commands the ids spell left out.
  assert.equal(table.others.length, 2);
  assert.deepEqual(table.answers[0].length, 4);
  assert.deepEqual(table.answers[1][4], { preview: '' }); // no preview; its command is spelt by its id
  assert.deepEqual(table.answers[2][4], { command: '\\oddity', preview: '/previews/other.svg' });
  assert.deepEqual(table.answers[3][4], { preview: '' });
  assert.deepEqual(table.others[1], ['unicode-math-TU-_mupepsilon', 2, 0, '\\mupvarepsilon']);
});

test('OfflineAnswers_refuses_a_table_of_another_model_or_format', () => {
  const table = encodeAnswers(CATALOGUE, CARD);
  assert.throws(() => new OfflineAnswers(table, { ...CARD, sha256: 'other' }), /another model/);
  assert.throws(() => new OfflineAnswers(table, { ...CARD, labels: CARD.labels.slice(1) }), /4 answers for 3 model labels/);
  assert.throws(() => new OfflineAnswers({ ...table, version: 2 }, CARD), /format texsketch-offline-answers version 2/);
});

test('encodeAnswers_refuses_a_label_the_catalogue_lacks', () => {
  assert.throws(() => encodeAnswers(CATALOGUE, { labels: ['latex2e-OT1-_gimel'] }), /not in symbols.json/);
});
