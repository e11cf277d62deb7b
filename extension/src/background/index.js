// The background: Chrome's module service worker and Firefox's background script (one file, both manifests).
// Bundled by build.mjs into background.js at the extension root; `./ort/...` stays external (resolved there).
// It owns the network (server mode) and the wasm model (offline mode), and opens the panel in the active tab.
import * as ort from './ort/ort.wasm.bundle.min.mjs';
import { OfflineRecognizer } from './offline-recognizer.js';
import { FeedbackSender } from './feedback-sender.js';
import { PersonalStore } from './personal-store.js';
import { Recognition } from './recognition.js';
import { createRouter } from './router.js';
import { syncHostScripts } from './host-scripts.js';
import { loadSettings } from '../shared/settings.js';
import { SYNC_HOSTS, TOGGLE_PANEL } from '../shared/messages.js';

const api = globalThis.browser ?? globalThis.chrome;

let offlineLoad = null;

/** The shipped model, loaded once per background lifetime (a service worker may be stopped when idle). */
function offline() {
  offlineLoad ??= (async () => {
    // No wasmPaths: the bundle build locates ort-wasm-simd-threaded.wasm next to itself, and setting a path
    // would make it import() its glue, which service workers forbid.
    const [model, card, answers] = await Promise.all([
      fetch(api.runtime.getURL('model/model.onnx')).then((r) => r.arrayBuffer()),
      fetch(api.runtime.getURL('model/model.json')).then((r) => r.json()),
      fetch(api.runtime.getURL('model/answers.json')).then((r) => r.json()),
    ]);
    return OfflineRecognizer.create(ort, { model: new Uint8Array(model), card, answers });
  })();
  offlineLoad.catch(() => {
    offlineLoad = null; // try again next time instead of caching the failure
  });
  return offlineLoad;
}

const settings = () => loadSettings(api.storage);
const personal = new PersonalStore(api.storage);
const recognition = new Recognition({
  settings,
  offline,
  bundledUrl: (path) => api.runtime.getURL(`model/${path}`),
  personal,
});
const feedback = new FeedbackSender({ settings, client: `extension/${api.runtime.getManifest().version}` });

async function status() {
  const current = await settings();
  let server;
  try {
    const response = await fetch(`${current.serverUrl}/health`, { signal: AbortSignal.timeout(2000) });
    server = response.ok ? { reachable: true, health: await response.json() } : { reachable: false, error: `HTTP ${response.status}` };
  } catch (error) {
    server = { reachable: false, error: error.message };
  }
  return { settings: current, server };
}

const route = createRouter({
  recognition,
  status,
  syncHosts: async () => syncHostScripts(api, (await settings()).overleafHosts),
  feedback,
  personal,
  openOptions: () => api.runtime.openOptionsPage(),
});

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  route(message, sender).then(sendResponse);
  return true; // answer asynchronously
});

async function togglePanel(tab) {
  if (tab?.id === undefined) return;
  try {
    await api.tabs.sendMessage(tab.id, { type: TOGGLE_PANEL });
  } catch {
    // no content script in that tab (not an Overleaf project page): nothing to toggle
  }
}

api.action.onClicked.addListener((tab) => togglePanel(tab));
api.commands.onCommand.addListener(async (command, tab) => {
  if (command !== 'toggle-panel') return;
  togglePanel(tab ?? (await api.tabs.query({ active: true, currentWindow: true }))[0]);
});
api.runtime.onInstalled.addListener(({ reason }) => {
  route({ type: SYNC_HOSTS });
  // First install: show the options page, which explains the modes and checks whether a server runs.
  if (reason === 'install') api.runtime.openOptionsPage();
});
api.permissions.onRemoved?.addListener(() => route({ type: SYNC_HOSTS }));

// Test and debugging hook: lets the e2e suite and a developer console open the panel without a toolbar click.
globalThis.texsketch = { togglePanel, recognition, offline, feedback, personal };
