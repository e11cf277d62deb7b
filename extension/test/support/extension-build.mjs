// A fresh unpacked build of the extension for one test file, in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUnpacked } from '../../build.mjs';
import { MODELS_DIR } from './backend.mjs';

export async function buildForTest(browser) {
  const root = mkdtempSync(join(tmpdir(), `texsketch-${browser}-`));
  const dir = await buildUnpacked({ outDir: join(root, 'extension'), modelsDir: MODELS_DIR, browser });
  return { dir, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
