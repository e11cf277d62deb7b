// The extension's offline recognizer loaded in Node with onnxruntime-web's Node build (the same wasm kernels
// as in the browser) and the shipped model's files as the extension ships them.
import * as ort from 'onnxruntime-web';
import { OfflineRecognizer } from '../../src/background/offline-recognizer.js';
import { offlineFiles } from '../../build.mjs';
import { MODELS_DIR } from './backend.mjs';

export function loadOfflineRecognizer(modelsDir = MODELS_DIR) {
  // The files as build.mjs ships them (model, runtime card, answers table), made from the models folder.
  return OfflineRecognizer.create(ort, offlineFiles(modelsDir));
}
