// A fresh unpacked build of the extension for one test file, in a temporary folder.
// TEXSKETCH_EXTENSION_ROOT names another copy of extension/ to build instead (its own build.mjs and sources),
// so the same end-to-end suites can be run against an older extension, e.g. to show that a test fails there:
//   git archive <commit> extension | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/extension/
//   TEXSKETCH_EXTENSION_ROOT=/tmp/old/extension node --test test/e2e-overleaf-chromium.test.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MODELS_DIR } from './backend.mjs';

export async function buildForTest(browser) {
  const root = mkdtempSync(join(tmpdir(), `texsketch-${browser}-`));
  const other = process.env.TEXSKETCH_EXTENSION_ROOT;
  const { buildUnpacked } = await import(other ? pathToFileURL(resolve(other, 'build.mjs')).href : '../../build.mjs');
  const dir = await buildUnpacked({ outDir: join(root, 'extension'), modelsDir: MODELS_DIR, browser });
  return { dir, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
