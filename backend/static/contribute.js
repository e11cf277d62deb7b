// TeXSketch contribute page: shows one symbol the recogniser knows least (GET /contribute/next), the user draws
// it, Submit sends it through POST /feedback with "source": "contribute" and this visit's random session id.
// Opt-in (the box), anonymous (backend/feedback/README.md). Plain JS, no build step; the drawing surface is
// drawing-pad.js, shared with the demo page.
"use strict";

const QUEUE_BATCH = 10; // symbols per GET /contribute/next
const QUEUE_LOW = 3; // fetch more before the queue runs dry
const UNKNOWN_KEY = "texsketch.contribute.unknown"; // ids the user said they do not know: this browser only
const CONSENT_KEY = "texsketch.contribute.consent";
// What each reason for asking a symbol (GET /contribute/next `why`) means, shown next to its badge.
const WHY_EXPLAINED = {
  "no real drawings yet": "nobody has drawn it for the recogniser yet",
  "few real drawings": "the recogniser has fewer than 20 real drawings of it",
  "more drawings help": "more drawings of it still help the recogniser",
  "check symbol": "a well-known symbol, asked now and then to check that drawings match what was asked",
};

const undoButton = document.getElementById("undo");
const clearButton = document.getElementById("clear");
const submitButton = document.getElementById("submit");
const skipButton = document.getElementById("skip");
const unknownButton = document.getElementById("unknown");
const consentBox = document.getElementById("consent");
const statusLine = document.getElementById("status");
const sentLine = document.getElementById("sent");
const submitWhy = document.getElementById("submit-why");
const padCanvas = document.getElementById("pad");

/** A random id for this visit, kept in memory only: it keeps this visit's drawings on one side of the split. */
const session = randomId();
let queue = [];
let current = null;
let modelVersion = "unknown";
let sent = 0;
let sending = false;
/** Ids asked for in this visit already (sent or skipped): not asked again until the page is reloaded. */
const seen = new Set();
const unknown = new Set(readUnknown());

function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID exists only on secure origins (https, localhost); a LAN address over http still gets 122 random bits.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function readUnknown() {
  try {
    const ids = JSON.parse(localStorage.getItem(UNKNOWN_KEY) || "[]");
    return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  } catch {
    return [];
  }
}

// --- drawing (drawing-pad.js) ----------------------------------------------------------------

const pad = createDrawingPad(document.getElementById("pad"), {
  hint: document.getElementById("hint"),
  undoButton,
  clearButton,
  onChange: () => updateSubmit(),
  onStrokeEnd() {
    document.body.dataset.strokes = String(strokes.length); // lets tests see a stroke has ended
    updateSubmit();
  },
});
const strokes = pad.strokes;
// Drawing takes the focus (the pad's pointerdown keeps it from moving by itself): Enter after a drawing means
// Submit, not the Undo or Skip button clicked before it.
padCanvas.addEventListener("pointerdown", () => padCanvas.focus({ preventScroll: true }));

function undo() {
  pad.undo();
}

function clearDrawing() {
  if (pad.clear()) document.body.dataset.strokes = "0";
}

// --- the symbol asked for ---------------------------------------------------------------------

function updateSubmit() {
  submitButton.disabled = sending || !current || strokes.length === 0 || pad.isDrawing() || !consentBox.checked;
  // Why Submit is greyed, next to it (its title alone is invisible on a phone and to most users).
  let why = "";
  if (!consentBox.checked) why = "Tick the box above to send drawings.";
  else if (!current) why = "Nothing to draw right now.";
  else if (strokes.length === 0) why = "Draw the symbol first.";
  submitWhy.textContent = sending ? "" : why;
  submitButton.title = why || "Send this drawing (Enter)";
}

async function fillQueue() {
  const response = await fetch(`/contribute/next?count=${QUEUE_BATCH}`);
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  const answer = await response.json();
  modelVersion = answer.model.version;
  const queued = new Set(queue.map((symbol) => symbol.id));
  for (const symbol of answer.symbols) {
    if (!seen.has(symbol.id) && !unknown.has(symbol.id) && !queued.has(symbol.id)) queue.push(symbol);
  }
}

async function next() {
  current = null;
  clearDrawing();
  try {
    if (queue.length < QUEUE_LOW) await fillQueue();
  } catch (error) {
    setStatus(`Could not load the next symbol: ${error.message}`, true);
  }
  current = queue.shift() || null;
  if (current) seen.add(current.id);
  show(current);
}

function show(symbol) {
  const preview = document.getElementById("ask-preview");
  document.getElementById("ask-command").textContent = symbol ? symbol.command : "Nothing left to ask for";
  document.getElementById("ask-name").textContent = symbol ? symbol.name : "";
  const why = document.getElementById("ask-why");
  why.textContent = symbol ? symbol.why : "";
  why.title = symbol ? WHY_EXPLAINED[symbol.why] || "" : "";
  why.hidden = !symbol;
  document.getElementById("ask-why-text").textContent = symbol ? WHY_EXPLAINED[symbol.why] || "" : "";
  why.classList.toggle("check", Boolean(symbol && symbol.why === "check symbol"));
  preview.replaceChildren();
  if (symbol && symbol.preview_url) {
    const image = document.createElement("img");
    image.className = "preview";
    image.src = symbol.preview_url;
    image.alt = symbol.unicode || symbol.command;
    image.addEventListener("error", () => preview.replaceChildren(glyph(symbol)));
    preview.append(image);
  } else if (symbol) {
    preview.append(glyph(symbol));
  }
  document.body.dataset.asked = symbol ? symbol.id : "";
  skipButton.disabled = unknownButton.disabled = !symbol;
  updateSubmit();
}

function glyph(symbol) {
  return Object.assign(document.createElement("span"), { className: "fallback-glyph", textContent: symbol.unicode || "?" });
}

// --- sending (POST /feedback, source "contribute") ---------------------------------------------

async function submit() {
  if (submitButton.disabled) return;
  sending = true;
  updateSubmit();
  const body = JSON.stringify({
    strokes,
    chosen_id: current.id,
    shown: [],
    model_version: modelVersion,
    client: "demo/contribute",
    source: "contribute",
    session,
  });
  // One key per drawing: a retry after a 503 is stored once.
  const headers = { "content-type": "application/json", "idempotency-key": randomId() };
  setStatus("Sending…");
  try {
    let response = await fetch("/feedback", { method: "POST", headers, body });
    if (response.status === 503) {
      const wait = Math.min(5, Number(response.headers.get("retry-after")) || 1);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      response = await fetch("/feedback", { method: "POST", headers, body });
    }
    if (!response.ok) {
      const answer = await response.json().catch(() => null);
      const first = answer && Array.isArray(answer.detail) ? answer.detail[0] : null;
      throw new Error(first ? first.msg : `the server answered ${response.status}`);
    }
    sent += 1;
    sentLine.textContent = `${sent} sent`;
    document.body.dataset.sent = String(sent);
    setStatus("Thank you!");
    sending = false;
    await next();
  } catch (error) {
    // The drawing stays on the canvas: Submit again sends the same drawing (a new key, since it may not be stored).
    setStatus(`Not sent: ${error.message}`, true);
  } finally {
    sending = false;
    updateSubmit();
  }
}

function setStatus(text, isError = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", isError);
}

// --- controls ---------------------------------------------------------------------------------

/** Run `action` on a click, or at once when a finger or pen lifts inside the control: a tap right after a drawn
 * stroke is sometimes not turned into a click by Chromium, and a contributor taps Submit right after drawing.
 * The click that may still follow such a tap is ignored, so an action never runs twice. */
function onPress(control, action) {
  let pressedByTouch = 0;
  control.addEventListener("pointerup", (event) => {
    if (event.pointerType === "mouse" || control.disabled) return;
    const box = control.getBoundingClientRect();
    if (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom) return;
    event.preventDefault(); // no click of its own (the check below catches one that comes anyway)
    pressedByTouch = event.timeStamp;
    action();
  });
  control.addEventListener("click", (event) => {
    if (pressedByTouch && event.timeStamp - pressedByTouch < 800) {
      event.preventDefault(); // keeps a checkbox as the touch left it
      pressedByTouch = 0;
      return;
    }
    if (event.target === control && control.type === "checkbox") {
      consentChanged(); // the browser toggled it already
      return;
    }
    action();
  });
}

function consentChanged() {
  localStorage.setItem(CONSENT_KEY, consentBox.checked ? "on" : "off");
  updateSubmit();
}

onPress(undoButton, undo);
onPress(clearButton, clearDrawing);
onPress(submitButton, submit);
// After Skip or "I don't know", the focus goes to the drawing area: Enter then means Submit (once there is a
// drawing), never that button again, which would throw the next drawing away (issue 24).
onPress(skipButton, () => {
  setStatus("");
  padCanvas.focus();
  next();
});
onPress(unknownButton, () => {
  if (current) {
    unknown.add(current.id);
    localStorage.setItem(UNKNOWN_KEY, JSON.stringify([...unknown]));
  }
  setStatus("");
  padCanvas.focus();
  next();
});
consentBox.checked = localStorage.getItem(CONSENT_KEY) === "on";
onPress(consentBox, () => {
  consentBox.checked = !consentBox.checked;
  consentChanged();
});
// The label's text toggles the box through a click on it (handled above); keyboard Space does the same.
document.addEventListener("keydown", (event) => {
  if (event.target.closest && event.target.closest("input, textarea, select")) return;
  // Enter on a focused button presses that button; only elsewhere does it mean Submit.
  if (event.key === "Enter" && event.target.closest && event.target.closest("button, a")) return;
  if ((event.ctrlKey || event.metaKey) && event.key === "z") {
    event.preventDefault();
    undo();
  } else if (event.key === "Escape") {
    clearDrawing();
  } else if (event.key === "Enter") {
    event.preventDefault();
    submit();
  }
});

window.addEventListener("resize", pad.resize);
pad.resize();
next();
