// What the options page sets and the background reads (storage.local). Defaults work with `make run`.

export const MODES = Object.freeze(['auto', 'server', 'offline']);

export const DEFAULTS = Object.freeze({
  // auto: the server when it answers (its model may be newer), else the model shipped in the extension.
  mode: 'auto',
  // `make run` / `python -m backend` listen here; the extension has permission for loopback only by default.
  serverUrl: 'http://127.0.0.1:8000',
  // Self-hosted Overleaf origins (e.g. https://latex.example.org); each needs a permission the user grants.
  overleafHosts: [],
  // Opt-in (issue 7): send the drawing and the inserted symbol to the server's /feedback. Off until the user
  // turns it on; anything but a literal true (a string, a number) counts as off.
  sendFeedback: false,
});

export class SettingsError extends Error {}

/** `http(s)://host[:port]` without a trailing slash, or SettingsError. */
export function normalizeServerUrl(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    throw new SettingsError(`server URL: "${text}" is not a URL (example: http://127.0.0.1:8000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError('server URL: must start with http:// or https://');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** An Overleaf origin (`https://latex.example.org`) from what a user typed, or SettingsError. */
export function normalizeOverleafHost(text) {
  const trimmed = String(text).trim();
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SettingsError(`Overleaf host: "${text}" is not a host name (example: https://latex.example.org)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError('Overleaf host: must be an http:// or https:// address');
  }
  if (url.hostname.includes('*')) throw new SettingsError('Overleaf host: wildcards are not allowed');
  return url.origin;
}

/** The permission origin pattern for an http(s) origin: match patterns ignore the port, so it is dropped. */
export function originPattern(origin) {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

/** Where the content scripts run on a self-hosted Overleaf: its project pages, as on overleaf.com. */
export function projectPagePattern(origin) {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/project/*`;
}

export function withDefaults(stored) {
  const settings = { ...DEFAULTS, ...(stored ?? {}) };
  if (!MODES.includes(settings.mode)) settings.mode = DEFAULTS.mode;
  if (!Array.isArray(settings.overleafHosts)) settings.overleafHosts = [];
  settings.sendFeedback = settings.sendFeedback === true;
  return settings;
}

export async function loadSettings(storage) {
  return withDefaults(await storage.local.get(Object.keys(DEFAULTS)));
}
