// The recognition server (backend, contracts section 4), called from the background only: from a page like
// overleaf.com a content script cannot reach loopback (Local Network Access), the extension background can.

export class ServerUnreachable extends Error {}

// A local server answers in milliseconds; a hung or far one should not keep the panel waiting long.
export const PREDICT_TIMEOUT_MS = 4000;

export async function predictOnServer(
  serverUrl,
  strokes,
  k,
  { fetchImpl = fetch, timeoutMs = PREDICT_TIMEOUT_MS, embedding = false } = {},
) {
  let response;
  try {
    response = await fetchImpl(`${serverUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // `embedding`: the drawing's embedding for the personal blend, which runs here in the browser; the
      // server gets the drawing it recognises and nothing else.
      body: JSON.stringify(embedding ? { strokes, k, embedding: true } : { strokes, k }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const why = error?.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : 'connection failed';
    throw new ServerUnreachable(`cannot reach the TeXSketch server at ${serverUrl} (${why})`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // a proxy's HTML error page, say; reported below with the status
  }
  if (!response.ok) {
    const detail = Array.isArray(body?.detail)
      ? body.detail.map((d) => `${(d.loc ?? []).join('.')}: ${d.msg}`).join('; ')
      : body?.detail;
    throw new Error(`the server at ${serverUrl} answered ${response.status}${detail ? `: ${detail}` : ''}`);
  }
  if (!Array.isArray(body?.predictions)) throw new Error(`the server at ${serverUrl} sent no predictions`);
  return body;
}

/** An SVG preview as a data: URL (an <img> of it can never run script, and the page needs no access to us). */
export async function fetchAsDataUrl(url, { fetchImpl = fetch, timeoutMs = PREDICT_TIMEOUT_MS } = {}) {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const type = response.headers.get('content-type')?.split(';')[0] || 'image/svg+xml';
  const text = await response.text();
  return `data:${type};charset=utf-8,${encodeURIComponent(text)}`;
}
