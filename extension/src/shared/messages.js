// The messages between the content script and the background (service worker in Chrome, event page in
// Firefox). The content script on overleaf.com cannot reach a server on loopback and must not run wasm under
// Overleaf's CSP, so every recognition goes through here. Validated on arrival: any page script can
// try to talk to a content script, and a bad message must give a clear error, not a half answer.

export const RECOGNIZE = 'texsketch:recognize';
export const TOGGLE_PANEL = 'texsketch:toggle-panel';
export const GET_STATUS = 'texsketch:status';
export const SYNC_HOSTS = 'texsketch:sync-hosts';
export const WARM_UP = 'texsketch:warm-up';
// The user inserted a candidate: the background may send it as feedback (opt-in, background/feedback-sender.js).
export const FEEDBACK = 'texsketch:feedback';

// Personal examples (issue 12), kept by the background in extension storage: see background/personal-store.js.
export const PERSONAL_CORRECTION = 'texsketch:personal-correction';
export const PERSONAL_TEACH = 'texsketch:personal-teach';
export const PERSONAL_LIST = 'texsketch:personal-list';
export const PERSONAL_REMOVE = 'texsketch:personal-remove';
export const PERSONAL_IMPORT = 'texsketch:personal-import';
export const PERSONAL_EXPORT = 'texsketch:personal-export';
// Open the options page (its "Your symbols and corrections" section) from the panel.
export const OPEN_OPTIONS = 'texsketch:open-options';

export const MAX_K = 20;

export class MessageError extends Error {}

/** Check a recognize request; returns `{strokes, k}` or throws MessageError naming the bad field. */
export function parseRecognize(message) {
  if (!message || typeof message !== 'object') throw new MessageError('message: not an object');
  const { strokes } = message;
  const k = message.k ?? 5;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new MessageError(`k: must be an integer 1..${MAX_K}`);
  if (!Array.isArray(strokes) || strokes.length === 0) throw new MessageError('strokes: the drawing has no strokes');
  strokes.forEach((stroke, s) => {
    if (!Array.isArray(stroke) || stroke.length === 0) throw new MessageError(`strokes[${s}]: has no points`);
    stroke.forEach((point, p) => {
      const ok =
        Array.isArray(point) && (point.length === 2 || point.length === 3) && point.every((v) => Number.isFinite(v));
      if (!ok) throw new MessageError(`strokes[${s}][${p}]: must be [x, y] or [x, y, t] of finite numbers`);
    });
  });
  return { strokes, k };
}

/**
 * Check a feedback message (a pick): returns `{drawingId, strokes, chosenId, shown, modelVersion}` or throws
 * MessageError. `drawingId` names the drawing, so only its first pick is sent.
 */
export function parseFeedback(message) {
  if (!message || typeof message !== 'object') throw new MessageError('message: not an object');
  const { strokes } = parseRecognize({ strokes: message.strokes });
  const text = (name, value) => {
    if (typeof value !== 'string' || value.length === 0) throw new MessageError(`${name}: must be a non-empty string`);
    return value;
  };
  const drawingId = text('drawingId', message.drawingId);
  const chosenId = text('chosenId', message.chosenId);
  if (!Array.isArray(message.shown) || message.shown.length > MAX_K) {
    throw new MessageError(`shown: must be a list of at most ${MAX_K} ids`);
  }
  const shown = message.shown.map((id, i) => text(`shown[${i}]`, id));
  // An answer without a model version (an old server) is still a label worth keeping.
  const { modelVersion } = message;
  return {
    drawingId,
    strokes,
    chosenId,
    shown,
    modelVersion: typeof modelVersion === 'string' && modelVersion ? modelVersion : 'unknown',
  };
}

/** Ask the background to recognize a drawing; resolves to its answer or throws with the background's reason. */
export async function requestRecognition(runtime, strokes, k = 5) {
  const answer = await runtime.sendMessage({ type: RECOGNIZE, strokes, k });
  if (!answer) throw new Error('the extension background did not answer (reload the page after an update)');
  if (!answer.ok) throw Object.assign(new Error(answer.error), { answer });
  return answer;
}

const MAX_EMBEDDING = 4096;

/** One labelled drawing from the panel: `{strokes, embedding, model}` (model = the answering model's sha256). */
export function parseDrawingExample(value, where = 'drawing') {
  if (!value || typeof value !== 'object') throw new MessageError(`${where}: not an object`);
  const { strokes } = parseRecognize({ strokes: value.strokes });
  const { embedding, model } = value;
  const okEmbedding =
    Array.isArray(embedding) && embedding.length > 0 && embedding.length <= MAX_EMBEDDING && embedding.every(Number.isFinite);
  if (!okEmbedding) throw new MessageError(`${where}.embedding: must be a list of 1..${MAX_EMBEDDING} finite numbers`);
  if (typeof model !== 'string' || !model) throw new MessageError(`${where}.model: must be the model's sha256`);
  return { strokes, embedding, model };
}

/** A correction message: the drawing plus the picked candidate (`symbol`: its entry as the answer listed it). */
export function parseCorrection(message) {
  const drawing = parseDrawingExample(message);
  const symbol = message.symbol;
  if (!symbol || typeof symbol.id !== 'string' || typeof symbol.command !== 'string') {
    throw new MessageError('symbol: must be a candidate with id and command');
  }
  return { ...drawing, symbol };
}
