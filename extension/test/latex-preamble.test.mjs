// The package hint's reading of a LaTeX preamble.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentclassEnd, loadedPackages, missingPackage, preambleOf, usepackageChange } from '../src/shared/latex-preamble.js';

const DOC = '\\documentclass[11pt,\n  a4paper]{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amsmath, mathtools}\n% \\usepackage{stmaryrd}\n\\begin{document}\n\\usepackage{wasysym}\n\\end{document}\n';

test('loadedPackages_reads_lists_options_and_implied_packages', () => {
  const loaded = loadedPackages(preambleOf(DOC));
  for (const name of ['inputenc', 'amsmath', 'mathtools']) assert.ok(loaded.has(name), name);
  assert.ok(!loaded.has('stmaryrd'), 'commented out');
  assert.ok(!loaded.has('wasysym'), 'after \\begin{document}');
  assert.ok(loadedPackages('\\usepackage{amssymb}').has('amsfonts'), 'amssymb loads amsfonts');
});

test('usepackageChange_goes_after_a_multiline_documentclass', () => {
  const change = usepackageChange(DOC, 'stmaryrd');
  const after = DOC.slice(0, change.from) + change.insert + DOC.slice(change.to);
  assert.match(after, /^\\documentclass\[11pt,\n {2}a4paper\]\{article\}\n\\usepackage\{stmaryrd\}\n\\usepackage\[utf8\]/);
  assert.equal(documentclassEnd('no class here'), -1);
  assert.equal(usepackageChange('\\section{x}', 'amssymb'), null);
});

test('missingPackage_says_what_to_add_and_whether_it_can', () => {
  assert.deepEqual(missingPackage('stmaryrd', DOC), { pkg: 'stmaryrd', canAdd: true });
  assert.equal(missingPackage('amsmath', DOC), null);
  assert.equal(missingPackage(null, DOC), null, 'LaTeX built-ins need nothing');
  assert.deepEqual(missingPackage('amssymb', '\\section{Intro} a chapter file'), { pkg: 'amssymb', canAdd: false });
  assert.equal(missingPackage('amssymb', null), null, 'unknown document: no claim');
});
