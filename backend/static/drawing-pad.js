// The drawing surface of the demo and contribute pages: one pointer at a time (mouse, pen or touch), every
// coalesced pen point kept, redrawn sharp at the device's pixel ratio, undo and clear. A classic script (no build
// step, no module): it defines createDrawingPad, which demo.js and contribute.js call; load it before them.
"use strict";

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{hint: Element, undoButton: HTMLButtonElement, clearButton: HTMLButtonElement,
 *          onChange?: () => void, onMove?: () => void, onStrokeEnd?: () => void}} parts
 *   onChange after every redraw, onMove while a stroke grows, onStrokeEnd when the pen lifts.
 * @returns the pad; `strokes` is the drawing as the API takes it, [[[x, y, t], ...], ...] in CSS pixels, t in ms
 *   since the first point (one array, changed in place, so a page may keep a reference to it).
 */
function createDrawingPad(canvas, { hint, undoButton, clearButton, onChange, onMove, onStrokeEnd }) {
  const context = canvas.getContext("2d");
  const strokes = [];
  let activeStroke = null;
  let activePointer = null;
  let startTime = 0;

  function redraw() {
    const box = canvas.getBoundingClientRect();
    context.clearRect(0, 0, box.width, box.height);
    context.lineCap = "round";
    context.lineJoin = "round";
    context.lineWidth = 4;
    context.strokeStyle = getComputedStyle(document.body).color;
    for (const stroke of strokes) {
      context.beginPath();
      context.moveTo(stroke[0][0], stroke[0][1]);
      if (stroke.length === 1) context.lineTo(stroke[0][0] + 0.01, stroke[0][1]); // a tap shows as a dot
      for (const [x, y] of stroke.slice(1)) context.lineTo(x, y);
      context.stroke();
    }
    hint.classList.toggle("gone", strokes.length > 0);
    undoButton.disabled = strokes.length === 0;
    clearButton.disabled = strokes.length === 0;
    if (onChange) onChange();
  }

  function resize() {
    const ratio = window.devicePixelRatio || 1;
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    redraw();
  }

  function pointOf(event) {
    const box = canvas.getBoundingClientRect();
    const x = Math.round((event.clientX - box.left) * 10) / 10;
    const y = Math.round((event.clientY - box.top) * 10) / 10;
    return [x, y, Math.round(event.timeStamp - startTime)];
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (activePointer !== null || event.button > 0) return;
    event.preventDefault();
    activePointer = event.pointerId;
    canvas.setPointerCapture(event.pointerId);
    if (strokes.length === 0) startTime = event.timeStamp;
    activeStroke = [pointOf(event)];
    strokes.push(activeStroke);
    redraw();
  });

  canvas.addEventListener("pointermove", (event) => {
    if (event.pointerId !== activePointer) return;
    // Pens report more points than animation frames show; coalesced events keep them all.
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) activeStroke.push(pointOf(e));
    redraw();
    if (onMove) onMove();
  });

  function endStroke(event) {
    if (event.pointerId !== activePointer) return;
    activePointer = null;
    activeStroke = null;
    if (onStrokeEnd) onStrokeEnd();
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);

  return {
    strokes,
    resize,
    redraw,
    /** A stroke is being drawn: undo, clear and sending wait for the pen to lift. */
    isDrawing: () => activePointer !== null,
    /** Removes the last stroke; false (nothing changed) while drawing. */
    undo() {
      if (activePointer !== null) return false;
      strokes.pop();
      redraw();
      return true;
    },
    /** Removes every stroke; false (nothing changed) while drawing. */
    clear() {
      if (activePointer !== null) return false;
      strokes.length = 0;
      redraw();
      return true;
    },
  };
}
