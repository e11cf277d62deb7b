// A fresh unpacked build of the extension for one test file, in a temporary folder.
// TEXSKETCH_EXTENSION_ROOT names another copy of extension/ to build instead (its own build.mjs and sources),
// so the same end-to-end suites can be run against an older extension, e.g. to show that a test fails there:
//   git archive <commit> extension | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/extension/
//   TEXSKETCH_EXTENSION_ROOT=/tmp/old/extension node --test test/e2e-overleaf-chromium.test.mjs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MODELS_DIR } from './backend.mjs';

/**
 * `withoutMainWorld`: drop the MAIN-world content script from the manifest, as when a browser or a policy does
 * not run it; the panel must then fall back on its own (isolated world) last resort.
 */
export async function buildForTest(browser, { withoutMainWorld = false } = {}) {
  const root = mkdtempSync(join(tmpdir(), `texsketch-${browser}-`));
  const other = process.env.TEXSKETCH_EXTENSION_ROOT;
  const { buildUnpacked } = await import(other ? pathToFileURL(resolve(other, 'build.mjs')).href : '../../build.mjs');
  const dir = await buildUnpacked({ outDir: join(root, 'extension'), modelsDir: MODELS_DIR, browser });
  if (withoutMainWorld) {
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.content_scripts = manifest.content_scripts.filter((script) => script.world !== 'MAIN');
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  }
  return { dir, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
