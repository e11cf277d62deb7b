// Messages from content scripts and the options page -> answers. Kept apart from the browser wiring
// (background/index.js) so Node tests drive it with a real Recognition.
import { GET_STATUS, MessageError, parseRecognize, RECOGNIZE, SYNC_HOSTS, WARM_UP } from '../shared/messages.js';

/**
 * @param {object} deps
 * @param {import('./recognition.js').Recognition} deps.recognition
 * @param {() => Promise<object>} [deps.status] what the options page shows (mode, server health)
 * @param {() => Promise<object>} [deps.syncHosts] re-register content scripts for self-hosted Overleaf
 */
export function createRouter({ recognition, status, syncHosts }) {
  return async function route(message) {
    try {
      switch (message?.type) {
        case RECOGNIZE: {
          const { strokes, k } = parseRecognize(message);
          return { ok: true, ...(await recognition.recognize(strokes, k)) };
        }
        case WARM_UP:
          recognition.warmUp(); // not awaited: the panel is open already, the model loads meanwhile
          return { ok: true };
        case GET_STATUS:
          return { ok: true, ...(await status()) };
        case SYNC_HOSTS:
          return { ok: true, ...(await syncHosts()) };
        default:
          throw new MessageError(`type: unknown message type ${JSON.stringify(message?.type)}`);
      }
    } catch (error) {
      return { ok: false, error: error.message, kind: error instanceof MessageError ? 'bad-message' : 'failed' };
    }
  };
}
