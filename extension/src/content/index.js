// The isolated-world content script on Overleaf project pages: creates the panel on first use and wires it
// to the background (recognition) and the MAIN-world script (editor).
import {
  FEEDBACK,
  OPEN_OPTIONS,
  PERSONAL_CORRECTION,
  PERSONAL_REMOVE,
  PERSONAL_TEACH,
  requestRecognition,
  TOGGLE_PANEL,
  WARM_UP,
} from '../shared/messages.js';
import { loadSettings, normalizeServerUrl, originPattern } from '../shared/settings.js';
import { isDetachedPdfWindow } from '../shared/overleaf-page.js';
import { EditorBridge } from './editor-bridge.js';
import { Panel } from './panel.js';

const LOOPBACK = ['http://127.0.0.1/*', 'http://localhost/*'];

(() => {
  // Injected twice (manifest and a self-hosted registration, or an extension update): keep the first copy.
  if (window.__texsketchContentScript) return;
  // Overleaf's PDF-only window (/project/<id>/detached) has no editor: no panel, no shortcut. The manifest
  // excludes it too; this covers other spellings of the URL and self-hosted registrations.
  if (isDetachedPdfWindow(window.location)) return;
  window.__texsketchContentScript = true;
  const api = globalThis.browser ?? globalThis.chrome;
  let panel = null;

  const ensurePanel = () => {
    panel ??= new Panel({
      recognize: (strokes, k) => requestRecognition(api.runtime, strokes, k),
      editor: new EditorBridge(window),
      // The background checks the switch and sends (a page like overleaf.com may not reach loopback).
      onInsert: (pick) => api.runtime.sendMessage({ type: FEEDBACK, ...pick }).catch(() => {}),
      // Personal examples go to the background, which keeps them in extension storage (never on a server).
      // Resolves to the stored example's id, which the panel's Undo hands back to forget it.
      onCorrection: async (example) => {
        const answer = await api.runtime.sendMessage({ type: PERSONAL_CORRECTION, ...example });
        if (!answer?.ok) throw new Error(answer?.error ?? 'the extension background did not answer');
        return answer.exampleId;
      },
      forgetCorrection: async (exampleId) => {
        const answer = await api.runtime.sendMessage({ type: PERSONAL_REMOVE, exampleId });
        if (!answer?.ok) throw new Error(answer?.error ?? 'the extension background did not answer');
      },
      teach: async (request) => {
        const answer = await api.runtime.sendMessage({ type: PERSONAL_TEACH, ...request });
        if (!answer?.ok) throw new Error(answer?.error ?? 'the extension background did not answer');
        return answer;
      },
      openOptions: () => api.runtime.sendMessage({ type: OPEN_OPTIONS }).catch(() => {}),
      settings: {
        load: () => loadSettings(api.storage),
        save: async ({ mode, serverUrl, sendFeedback }) => {
          const url = normalizeServerUrl(serverUrl);
          // Content scripts cannot ask for permissions: other servers are set up on the options page.
          if (!LOOPBACK.includes(originPattern(new URL(url).origin))) {
            throw new Error('Only a server on this computer can be set here; use the extension options for others.');
          }
          await api.storage.local.set({ mode, serverUrl: url, sendFeedback: sendFeedback === true });
          api.runtime.sendMessage({ type: WARM_UP }).catch(() => {});
        },
      },
    });
    return panel;
  };
  // The browser command and the page listener below may both see one key press: act on the first only.
  let lastToggle = 0;
  const toggle = () => {
    const now = Date.now();
    if (now - lastToggle < 300) return;
    lastToggle = now;
    const shown = ensurePanel();
    shown.toggle();
    if (shown.isOpen) api.runtime.sendMessage({ type: WARM_UP }).catch(() => {});
  };

  // The same shortcut as the manifest's command, on the page itself: it works even where the browser has
  // given the command's keys to something else (or the user unset them).
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyD') {
        event.preventDefault();
        event.stopPropagation();
        toggle();
      }
    },
    true,
  );

  api.runtime.onMessage.addListener((message) => {
    if (message?.type === TOGGLE_PANEL) toggle();
  });
})();
