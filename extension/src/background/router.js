// Messages from content scripts and the options page -> answers. Kept apart from the browser wiring
// (background/index.js) so Node tests drive it with a real Recognition.
import {
  FEEDBACK,
  GET_STATUS,
  MessageError,
  OPEN_OPTIONS,
  parseCorrection,
  parseDrawingExample,
  parseFeedback,
  parseRecognize,
  PERSONAL_CORRECTION,
  PERSONAL_EXPORT,
  PERSONAL_IMPORT,
  PERSONAL_LIST,
  PERSONAL_REMOVE,
  PERSONAL_TEACH,
  RECOGNIZE,
  SYNC_HOSTS,
  WARM_UP,
} from '../shared/messages.js';

/**
 * @param {object} deps
 * @param {import('./recognition.js').Recognition} deps.recognition
 * @param {() => Promise<object>} [deps.status] what the options page shows (mode, server health)
 * @param {() => Promise<object>} [deps.syncHosts] re-register content scripts for self-hosted Overleaf
 * @param {import('./feedback-sender.js').FeedbackSender} [deps.feedback] sends picks when the user opted in
 * @param {import('./personal-store.js').PersonalStore} [deps.personal] the personal examples (browser only)
 * @param {() => Promise<void>} [deps.openOptions] opens the options page
 */
export function createRouter({ recognition, status, syncHosts, feedback, personal, openOptions }) {
  const needPersonal = () => {
    if (!personal) throw new Error('personal examples are not wired up here');
    return personal;
  };
  return async function route(message) {
    try {
      switch (message?.type) {
        case RECOGNIZE: {
          const { strokes, k } = parseRecognize(message);
          return { ok: true, ...(await recognition.recognize(strokes, k)) };
        }
        case FEEDBACK: {
          const pick = parseFeedback(message);
          if (!feedback) return { ok: true, sent: false, reason: 'feedback is not wired up here' };
          // Awaited, so the answer says what happened (tests, devtools); the panel does not wait for it.
          return { ok: true, ...(await feedback.send(pick)) };
        }
        // Personal examples never leave the browser: these only touch extension storage.
        case PERSONAL_CORRECTION:
          return { ok: true, ...(await needPersonal().addCorrection(parseCorrection(message))) };
        case PERSONAL_TEACH: {
          if (!Array.isArray(message.drawings)) throw new MessageError('drawings: must be a list');
          const drawings = message.drawings.map((d, i) => parseDrawingExample(d, `drawings[${i}]`));
          return { ok: true, ...(await needPersonal().teach({ snippet: message.snippet, drawings })) };
        }
        case PERSONAL_LIST:
          return { ok: true, ...(await needPersonal().summary()) };
        case PERSONAL_REMOVE:
          // Every example of a symbol (the options page), or one example by its id (the panel's Undo).
          if (typeof message.exampleId === 'string') return { ok: true, ...(await needPersonal().removeExample(message.exampleId)) };
          if (typeof message.symbolId !== 'string') throw new MessageError('symbolId or exampleId: must be a string');
          return { ok: true, ...(await needPersonal().remove(message.symbolId)) };
        case PERSONAL_IMPORT:
          return { ok: true, ...(await needPersonal().import(message.data)) };
        case PERSONAL_EXPORT:
          return { ok: true, data: await needPersonal().raw() };
        case OPEN_OPTIONS:
          if (!openOptions) throw new Error('no options page here');
          await openOptions();
          return { ok: true };
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
