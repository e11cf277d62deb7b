// Opt-in feedback (issue 7): when the user inserts a candidate, the drawing and the chosen catalogue id go to the
// server's `POST /feedback` (backend/feedback/README.md), so the model can learn from real drawings. Sent from
// the background only: a page like overleaf.com may not reach a loopback server. It must never get in the way
// of insertion, so every failure ends here, logged at debug level.

// A local server answers in milliseconds; a label is not worth keeping a request open for long.
export const FEEDBACK_TIMEOUT_MS = 4000;
// A 503 carries Retry-After (the server says 1 s); one retry, after at most this long.
export const MAX_RETRY_WAIT_MS = 5000;
const DEFAULT_RETRY_WAIT_MS = 1000;
// Drawings already sent. A few hundred cover a writing session; older ones have long been cleared in the panel.
const REMEMBERED_DRAWINGS = 500;

/** How long to wait before the retry, from a Retry-After header (seconds or an HTTP date), within 0..MAX. */
export function retryDelayMs(retryAfter, now = Date.now()) {
  const text = String(retryAfter ?? '').trim();
  let ms = DEFAULT_RETRY_WAIT_MS;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else if (text && !Number.isNaN(Date.parse(text))) ms = Date.parse(text) - now;
  return Math.min(Math.max(ms, 0), MAX_RETRY_WAIT_MS);
}

export class FeedbackSender {
  /**
   * @param {object} deps
   * @param {() => Promise<object>} deps.settings current settings (shared/settings.js): sendFeedback, mode, serverUrl
   * @param {string} deps.client what the server records as the sender, `extension/<manifest version>`
   * @param {typeof fetch} [deps.fetchImpl]
   * @param {(...args: unknown[]) => void} [deps.log] where failures go (never to the user)
   */
  constructor({
    settings,
    client,
    fetchImpl = (...args) => fetch(...args),
    log = (...args) => console.debug('TeXSketch feedback:', ...args),
  }) {
    this.settings = settings;
    this.client = client;
    this.fetchImpl = fetchImpl;
    this.log = log;
    this.sentDrawings = new Set();
  }

  /**
   * Send one pick (messages.js `parseFeedback`) if the user opted in. Resolves, never rejects, to what happened:
   * `{sent: true, id, status}` or `{sent: false, reason}`.
   * @param {{drawingId: string, strokes: number[][][], chosenId: string, shown: string[], modelVersion: string}} pick
   */
  async send(pick) {
    let settings;
    try {
      settings = await this.settings();
    } catch (error) {
      return this.#skip(`settings could not be read: ${error.message}`);
    }
    if (settings.sendFeedback !== true) return { sent: false, reason: 'switched off' };
    // A personal symbol (issue 12) is the user's own: it never leaves the browser, switch or not.
    if (pick.chosenId.startsWith('personal:')) return { sent: false, reason: 'a personal symbol stays in the browser' };
    // Offline mode promises that nothing leaves the browser. Server and auto modes send to the configured
    // server, also after an offline fallback (the label is as good; model_version says which model answered).
    if (settings.mode === 'offline') return { sent: false, reason: 'offline mode: nothing leaves the browser' };
    if (!settings.serverUrl) return { sent: false, reason: 'no server URL' };
    // Only the first pick per drawing is a label: remembered before sending, so a quick second click is refused
    // even while the first request is still on its way.
    if (this.sentDrawings.has(pick.drawingId)) return { sent: false, reason: 'this drawing was sent already' };
    this.#remember(pick.drawingId);

    const url = `${settings.serverUrl}/feedback`;
    const key = crypto.randomUUID(); // the same key on the retry: the server stores the sample once
    const body = JSON.stringify({
      strokes: pick.strokes,
      chosen_id: pick.chosenId,
      shown: pick.shown.filter((id) => !id.startsWith('personal:')),
      model_version: pick.modelVersion,
      client: this.client,
    });
    try {
      let response = await this.#post(url, key, body);
      if (response.status === 503) {
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(response.headers.get('retry-after'))));
        response = await this.#post(url, key, body);
      }
      if (!response.ok) {
        return this.#skip(`${url} answered ${response.status}: ${await response.text().catch(() => '')}`);
      }
      const { id } = await response.json();
      return { sent: true, id, status: response.status };
    } catch (error) {
      return this.#skip(`${url}: ${error.message}`);
    }
  }

  #post(url, key, body) {
    return this.fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
      body,
      signal: AbortSignal.timeout(FEEDBACK_TIMEOUT_MS),
    });
  }

  #remember(drawingId) {
    if (this.sentDrawings.size >= REMEMBERED_DRAWINGS) {
      this.sentDrawings.delete(this.sentDrawings.values().next().value); // the oldest: a Set keeps insertion order
    }
    this.sentDrawings.add(drawingId);
  }

  #skip(reason) {
    this.log(reason);
    return { sent: false, reason };
  }
}
