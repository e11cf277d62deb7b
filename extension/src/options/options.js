// Options page: recognition mode, server URL, opt-in feedback, self-hosted Overleaf hosts. Permissions for a
// non-default server or a self-hosted Overleaf are requested here, in the click that saves them (browsers require
// a user gesture).
import { GET_STATUS, SYNC_HOSTS, WARM_UP } from '../shared/messages.js';
import './personal-options.js'; // the personal symbols and corrections section
import {
  DEFAULTS,
  loadSettings,
  normalizeOverleafHost,
  normalizeServerUrl,
  originPattern,
} from '../shared/settings.js';

const api = globalThis.browser ?? globalThis.chrome;
const form = document.getElementById('options');
const saved = document.getElementById('saved');
const serverStatus = document.getElementById('server-status');

// Loopback is granted at install (manifest host_permissions); other servers need the user's consent.
const BUILT_IN_ORIGINS = ['http://127.0.0.1/*', 'http://localhost/*'];

async function show() {
  const settings = await loadSettings(api.storage);
  form.mode.value = settings.mode;
  form.serverUrl.value = settings.serverUrl;
  document.getElementById('contribute-link').href = `${settings.serverUrl}/contribute`; // issue 15
  form.overleafHosts.value = settings.overleafHosts.join('\n');
  form.sendFeedback.checked = settings.sendFeedback;
  await showServerStatus();
}

async function showServerStatus() {
  serverStatus.textContent = 'Checking the server…';
  const answer = await api.runtime.sendMessage({ type: GET_STATUS });
  const reachable = Boolean(answer?.ok && answer.server.reachable);
  serverStatus.dataset.ok = String(reachable);
  serverStatus.textContent = reachable
    ? `Server reachable (model ${answer.server.health?.model?.version ?? answer.server.health?.model_version ?? 'unknown'}).`
    : `Server not reachable (${answer?.server?.error ?? answer?.error ?? 'no answer'}).`;
}

function read() {
  const hosts = form.overleafHosts.value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map(normalizeOverleafHost);
  return {
    mode: form.mode.value || DEFAULTS.mode,
    serverUrl: normalizeServerUrl(form.serverUrl.value || DEFAULTS.serverUrl),
    overleafHosts: [...new Set(hosts)],
    sendFeedback: form.sendFeedback.checked,
  };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  saved.dataset.error = 'false';
  let settings;
  try {
    settings = read();
  } catch (error) {
    saved.dataset.error = 'true';
    saved.textContent = error.message;
    return;
  }
  const wanted = settings.overleafHosts.map(originPattern);
  const serverOrigin = originPattern(new URL(settings.serverUrl).origin);
  if (!BUILT_IN_ORIGINS.includes(serverOrigin)) wanted.push(serverOrigin);
  let granted = true;
  if (wanted.length) {
    try {
      granted = await api.permissions.request({ origins: wanted });
    } catch (error) {
      granted = false;
      saved.textContent = `Permission request failed: ${error.message}`;
    }
  }
  await api.storage.local.set(settings);
  const sync = await api.runtime.sendMessage({ type: SYNC_HOSTS });
  api.runtime.sendMessage({ type: WARM_UP });
  const hosts = sync?.hosts?.length ?? 0;
  const active = hosts === 0 ? '' : ` Active on ${hosts} self-hosted Overleaf ${hosts === 1 ? 'host' : 'hosts'}.`;
  saved.textContent = granted ? `Saved.${active}` : 'Saved, but the browser did not grant access to every host: those stay inactive.';
  await showServerStatus();
});

show();
