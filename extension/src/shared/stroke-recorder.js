// Stroke capture: turns pointer samples into the drawing shape of the HTTP API (contracts section 4),
// `[[[x, y, t], ...], ...]`, with x, y in canvas pixels and t in milliseconds since the drawing began.
// Pure (no DOM), so it is tested in Node and used unchanged by the panel.

// The server refuses bigger drawings (backend/drawing.py DrawingLimits); staying below them means a long
// scribble is thinned here instead of being rejected there.
export const LIMITS = Object.freeze({ maxStrokes: 64, maxPointsPerStroke: 1200, maxPoints: 4000 });

// Points closer than this (canvas pixels) to the previous one add nothing to a 32x32 render but cost bytes;
// pointer events arrive at up to 240 Hz with a pen.
export const MIN_STEP = 1;

export class StrokeRecorder {
  constructor({ limits = LIMITS, minStep = MIN_STEP } = {}) {
    this.limits = limits;
    this.minStep = minStep;
    this.strokes = [];
    this.current = null;
    this.origin = null;
    this.pointerId = null;
  }

  /** A pen, finger or mouse button went down. Returns false when the drawing is full or a stroke is open. */
  begin(x, y, time, pointerId = 0) {
    if (this.current) return false;
    if (this.strokes.length >= this.limits.maxStrokes || this.pointCount() >= this.limits.maxPoints) return false;
    if (this.origin === null) this.origin = time;
    this.current = [];
    this.pointerId = pointerId;
    this.strokes.push(this.current);
    this.#push(x, y, time);
    return true;
  }

  /** The pointer moved while down. Returns true when the point was kept. */
  move(x, y, time, pointerId = 0) {
    if (!this.current || pointerId !== this.pointerId) return false;
    const last = this.current[this.current.length - 1];
    if (Math.hypot(x - last[0], y - last[1]) < this.minStep) return false;
    if (this.current.length >= this.limits.maxPointsPerStroke || this.pointCount() >= this.limits.maxPoints) {
      return false;
    }
    this.#push(x, y, time);
    return true;
  }

  /** The pointer went up (or was cancelled). Returns true when a stroke was closed. */
  end(x, y, time, pointerId = 0) {
    if (!this.current || pointerId !== this.pointerId) return false;
    if (x !== undefined) this.move(x, y, time, pointerId);
    this.current = null;
    this.pointerId = null;
    return true;
  }

  /** Remove the last stroke (the open one if a pointer is down). */
  undo() {
    if (this.strokes.length === 0) return false;
    this.strokes.pop();
    this.current = null;
    this.pointerId = null;
    if (this.strokes.length === 0) this.origin = null;
    return true;
  }

  clear() {
    this.strokes = [];
    this.current = null;
    this.pointerId = null;
    this.origin = null;
  }

  get isEmpty() {
    return this.strokes.length === 0;
  }

  get isDrawing() {
    return this.current !== null;
  }

  pointCount() {
    let total = 0;
    for (const stroke of this.strokes) total += stroke.length;
    return total;
  }

  /** A deep copy in the API shape, safe to send while drawing goes on. */
  toStrokes() {
    return this.strokes.map((stroke) => stroke.map((point) => point.slice()));
  }

  #push(x, y, time) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error('a pointer position is not a finite number');
    const t = Number.isFinite(time) ? Math.max(0, Math.round(time - this.origin)) : 0;
    this.current.push([round2(x), round2(y), t]);
  }
}

// Two decimals keep sub-pixel pen precision and make the JSON a third of the size of full doubles.
function round2(value) {
  return Math.round(value * 100) / 100;
}
