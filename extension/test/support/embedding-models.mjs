// A models folder whose model has the `embedding` output (contracts section 3), for the personal-example tests.
// The shipped model once it carries the output; until then a copy with the output added by
// `python -m tests.backend.embedding_model` (same weights and scores, the classifier input L2-normalised).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS_DIR, pythonPath, REPO_ROOT } from './backend.mjs';

let made = null;

/** {dir, derived, remove()}: `derived` says whether the embedding output was added for the test. */
export function modelsWithEmbedding() {
  if (made) return made;
  const card = JSON.parse(readFileSync(join(MODELS_DIR, 'model.json'), 'utf8'));
  if (card.embedding_output) {
    made = { dir: MODELS_DIR, derived: false, remove() {} };
    return made;
  }
  const dir = mkdtempSync(join(tmpdir(), 'texsketch-models-embedding-'));
  const run = spawnSync(pythonPath(), ['-m', 'tests.backend.embedding_model', '--models', MODELS_DIR, '--out', dir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0 || !existsSync(join(dir, 'model.onnx'))) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not add the embedding output: ${run.stderr || run.error}`);
  }
  made = { dir, derived: true, remove: () => rmSync(dir, { recursive: true, force: true }) };
  return made;
}
