// Builds the extension: `node build.mjs` -> ../dist/texsketch-chrome.zip and ../dist/texsketch-firefox.zip,
// plus the unpacked folders beside them (build/chrome, build/firefox) for "Load unpacked" / "Load Temporary
// Add-on". One source tree and one manifest serve both browsers (Chrome reads background.service_worker,
// Firefox background.scripts). Ships the model, its metadata, the catalogue, the previews and the
// onnxruntime-web wasm files for offline recognition.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipDirectory } from './tools/zip.mjs';
import { encodeAnswers, OfflineAnswers } from './src/background/offline-answers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const BROWSERS = ['chrome', 'firefox'];

// onnxruntime-web's single-threaded wasm build as one ES module: service workers may not import() at run time.
const ORT_FILES = ['ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm'];
const MODEL_FILES = ['model.onnx', 'model.json', 'symbols.json'];

/** Bundle the scripts and lay out one unpacked extension in `outDir`. */
export async function buildUnpacked({ outDir, modelsDir = resolve(HERE, '..', 'models'), browser = 'chrome' }) {
  if (!BROWSERS.includes(browser)) throw new Error(`browser: ${browser} is not one of ${BROWSERS}`);
  for (const file of MODEL_FILES) {
    if (!existsSync(join(modelsDir, file))) {
      throw new Error(`${join(modelsDir, file)} is missing: the offline mode ships the trained model (make models)`);
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, target: ['chrome120', 'firefox128'], legalComments: 'none', logLevel: 'warning' };
  await Promise.all([
    build({ ...common, entryPoints: [join(HERE, 'src/content/index.js')], outfile: join(outDir, 'content.js'), format: 'iife' }),
    build({ ...common, entryPoints: [join(HERE, 'src/content/main-world.js')], outfile: join(outDir, 'main-world.js'), format: 'iife' }),
    build({
      ...common,
      entryPoints: [join(HERE, 'src/background/index.js')],
      outfile: join(outDir, 'background.js'),
      format: 'esm',
      external: ['./ort/*'],
    }),
    build({ ...common, entryPoints: [join(HERE, 'src/options/options.js')], outfile: join(outDir, 'options/options.js'), format: 'esm' }),
  ]);
  const manifest = JSON.parse(readFileSync(join(HERE, 'manifest.json'), 'utf8'));
  manifest.version = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8')).version;
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(HERE, 'icons'), join(outDir, 'icons'), { recursive: true });
  for (const file of ['options.html', 'options.css']) cpSync(join(HERE, 'src/options', file), join(outDir, 'options', file));
  const ortDist = join(HERE, 'node_modules/onnxruntime-web/dist');
  mkdirSync(join(outDir, 'ort'));
  for (const file of ORT_FILES) cpSync(join(ortDist, file), join(outDir, 'ort', file));
  mkdirSync(join(outDir, 'model'));
  const files = offlineFiles(modelsDir);
  cpSync(join(modelsDir, 'model.onnx'), join(outDir, 'model', 'model.onnx'));
  writeFileSync(join(outDir, 'model', 'model.json'), JSON.stringify(files.card));
  writeFileSync(join(outDir, 'model', 'answers.json'), JSON.stringify(files.answers));
  mkdirSync(join(outDir, 'model/previews'));
  for (const path of answerPreviews(files)) {
    if (existsSync(join(modelsDir, path))) cpSync(join(modelsDir, path), join(outDir, 'model', path));
  }
  return outDir;
}

// What the offline recognizer reads of model.json (offline-recognizer.js, confidence.js, the personal store's
// model identity). The rest (training, data, metrics, quantization, what the "not sure" rule was fitted on) is
// the model's documentation: 22 KB the extension would read before its first answer and never use.
const RUNTIME_CARD_FIELDS = ['format', 'version', 'sha256', 'labels', 'render', 'input', 'output', 'embedding_output',
  'embedding_size', 'usage_prior', 'opset', 'uncertainty'];

/** model.json as the extension ships it: the runtime fields only, without `uncertainty.fitted_on`. */
export function extensionCard(card) {
  const shipped = Object.fromEntries(RUNTIME_CARD_FIELDS.filter((field) => field in card).map((f) => [f, card[f]]));
  if (shipped.uncertainty) {
    const { fitted_on: _documentation, ...rule } = shipped.uncertainty;
    shipped.uncertainty = rule;
  }
  return shipped;
}

/**
 * The offline recognizer's files from a models folder, as the extension ships them (the tests load these too):
 * the card and the answers table (src/background/offline-answers.js). The server keeps the full catalogue for
 * search; the extension's search links to the server.
 */
export function offlineFiles(modelsDir) {
  const card = JSON.parse(readFileSync(join(modelsDir, 'model.json'), 'utf8'));
  const catalogue = JSON.parse(readFileSync(join(modelsDir, 'symbols.json'), 'utf8'));
  return {
    model: readFileSync(join(modelsDir, 'model.onnx')),
    card: extensionCard(card),
    answers: encodeAnswers(catalogue, card),
  };
}

/** The preview files the answers name (paths under the models folder): the labels' previews, nothing else. */
export function answerPreviews({ card, answers }) {
  const decoded = new OfflineAnswers(answers, card);
  return card.labels.map((_, i) => decoded.entry(i).preview_url?.replace(/^\//, '')).filter(Boolean);
}

export function directorySize(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    total += statSync(path).isDirectory() ? directorySize(path) : statSync(path).size;
  }
  return total;
}

/** Both unpacked folders and both zips. */
export async function buildAll({ distDir = resolve(HERE, '..', 'dist'), modelsDir } = {}) {
  mkdirSync(distDir, { recursive: true });
  const results = [];
  for (const browser of BROWSERS) {
    const unpacked = await buildUnpacked({ outDir: join(distDir, 'build', browser), modelsDir, browser });
    const zip = join(distDir, `texsketch-${browser}.zip`);
    const entries = zipDirectory(unpacked, zip);
    results.push({ browser, unpacked, zip, entries, unpackedBytes: directorySize(unpacked), zipBytes: statSync(zip).size });
  }
  return results;
}

async function main(argv) {
  const option = (name) => (argv.includes(name) ? resolve(argv[argv.indexOf(name) + 1]) : undefined);
  const results = await buildAll({ distDir: option('--dist'), modelsDir: option('--models') });
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  for (const r of results) {
    console.log(`${r.zip}: ${r.entries} files, ${mb(r.zipBytes)} MB zipped (${mb(r.unpackedBytes)} MB unpacked: ${r.unpacked})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`make extension: ${error.message}`);
    process.exit(1);
  });
}
