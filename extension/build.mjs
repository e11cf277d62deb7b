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
import { packageWeight } from './src/background/catalogue.js';

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
  cpSync(join(modelsDir, 'model.onnx'), join(outDir, 'model', 'model.onnx'));
  const card = JSON.parse(readFileSync(join(modelsDir, 'model.json'), 'utf8'));
  // Without the indentation: the offline recognizer reads the card before its first answer, and the grown
  // catalogue's 4,807 labels with their typical ink (one number per line in models/) made it 405 KB; 269 KB so.
  writeFileSync(join(outDir, 'model', 'model.json'), JSON.stringify(card));
  const offline = offlineCatalogue(JSON.parse(readFileSync(join(modelsDir, 'symbols.json'), 'utf8')), card.labels);
  writeFileSync(join(outDir, 'model', 'symbols.json'), JSON.stringify(offline));
  mkdirSync(join(outDir, 'model/previews'));
  for (const { preview } of offline.symbols) {
    if (preview && existsSync(join(modelsDir, preview))) cpSync(join(modelsDir, preview), join(outDir, 'model', preview));
  }
  return outDir;
}

/**
 * The catalogue as the offline recognizer reads it at start-up (issue 22 item 6: the bytes before the first answer
 * stay flat while models/symbols.json grows with every package's symbols and their search names): the members of
 * the model's labels' glyph groups, each command once per mode (the copy `also` lists, where it lists it),
 * with the fields `summary` and `also` read; unicode and preview only for the labels, the answers. The server
 * keeps the full catalogue for search.
 */
export function offlineCatalogue(catalogue, labels) {
  const byId = new Map(catalogue.symbols.map((symbol) => [symbol.id, symbol]));
  const answers = new Set(labels);
  const glyphs = new Set(labels.map((label) => byId.get(label)?.glyph ?? label));
  const inGroups = catalogue.symbols.filter((symbol) => glyphs.has(symbol.glyph ?? symbol.id));
  const keyOf = (symbol) => JSON.stringify([symbol.glyph ?? symbol.id, symbol.command, symbol.math, symbol.text]);
  // The copy `also` lists (the lightest package), put where the command first appears: `also`'s order.
  const listed = new Map();
  for (const symbol of inGroups) {
    const best = listed.get(keyOf(symbol));
    if (best === undefined || packageWeight(symbol) < packageWeight(best)) listed.set(keyOf(symbol), symbol);
  }
  const seen = new Set();
  const emitted = new Set();
  const symbols = [];
  const emit = (symbol) => {
    if (emitted.has(symbol.id)) return;
    emitted.add(symbol.id);
    const { id, command, package: pkg, math, text } = symbol;
    const entry = { id, command, package: pkg, math, text, glyph: symbol.glyph ?? symbol.id };
    if (answers.has(id)) Object.assign(entry, { unicode: symbol.unicode, preview: symbol.preview });
    symbols.push(entry);
  };
  for (const symbol of inGroups) {
    const key = keyOf(symbol);
    if (!seen.has(key)) {
      seen.add(key);
      emit(listed.get(key));
    }
    if (answers.has(symbol.id)) emit(symbol); // answers always ship; other copies `also` never lists do not
  }
  return { catalogue_version: catalogue.catalogue_version, symbols };
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
