// The extension's offline recognizer loaded in Node with onnxruntime-web's Node build (the same wasm kernels
// as in the browser) and the shipped model files.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { OfflineRecognizer } from '../../src/background/offline-recognizer.js';
import { MODELS_DIR } from './backend.mjs';

export function loadOfflineRecognizer(modelsDir = MODELS_DIR) {
  const read = (name) => readFileSync(`${modelsDir}/${name}`);
  return OfflineRecognizer.create(ort, {
    model: read('model.onnx'),
    card: JSON.parse(read('model.json')),
    symbols: JSON.parse(read('symbols.json')),
  });
}
