// The real recognition server (`python -m backend`) as a subprocess on a free port, for the tests that need
// the real thing: e2e recognition and offline-equals-server. Python: $TEXSKETCH_PYTHON, else the repo's .venv
// (`make test` builds it before running these tests).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MODELS_DIR = process.env.TEXSKETCH_MODELS ?? `${REPO_ROOT}models`;

export function pythonPath() {
  return process.env.TEXSKETCH_PYTHON ?? `${REPO_ROOT}.venv/bin/python`;
}

/** Why the real backend cannot run here, or null when it can. */
export function backendMissing() {
  if (!existsSync(pythonPath())) return `no Python at ${pythonPath()} (run make test, or set TEXSKETCH_PYTHON)`;
  if (!existsSync(`${MODELS_DIR}/model.onnx`)) return `no model at ${MODELS_DIR}/model.onnx`;
  return null;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start the backend; resolves to {url, port, stop} once /health answers. `env`: extra environment variables;
 * `modelDir`: another models folder (default MODELS_DIR).
 * Feedback goes to a SQLite file in a fresh temporary folder (removed by stop), never to the repository's
 * data/feedback.sqlite3 or a database named by the caller's DATABASE_URL.
 */
export async function startBackend({ port, timeoutMs = 60_000, env = {}, modelDir = MODELS_DIR } = {}) {
  const missing = backendMissing();
  if (missing) throw new Error(`cannot start the backend: ${missing}`);
  port ??= await freePort();
  const scratch = mkdtempSync(join(tmpdir(), 'texsketch-backend-'));
  const removeScratch = () => rmSync(scratch, { recursive: true, force: true });
  const child = spawn(pythonPath(), ['-m', 'backend', '--port', String(port), '--model-dir', modelDir, '--log-level', 'warning'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      PYTHONUNBUFFERED: '1',
      TEXSKETCH_DATABASE_URL: `sqlite:///${scratch}/fb.sqlite3`,
      ...env,
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      removeScratch();
      throw new Error(`the backend exited with ${child.exitCode}: ${stderr.trim()}`);
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      removeScratch();
      throw new Error(`the backend did not answer /health within ${timeoutMs / 1000} s: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      removeScratch();
    },
  };
}
