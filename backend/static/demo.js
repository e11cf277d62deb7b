// TeXSketch demo page: draw on the canvas, the server renders and recognises the strokes (POST /predict),
// the best candidates are listed live; clicking one copies its command. Plain JS, no build step.
"use strict";

const PREDICT_DEBOUNCE_MS = 120; // while the pen moves: often enough to feel live, rare enough to stay cheap
const TOP_K = 5;
// A candidate the model gives less than this is listed greyed as "unlikely", not as an answer (issue 24): for a
// drawing of a rare symbol, "." at 0 % in place 2 is filler, not a suggestion.
const UNLIKELY_BELOW = 0.01;

const undoButton = document.getElementById("undo");
const clearButton = document.getElementById("clear");
const statusLine = document.getElementById("status");
const candidateList = document.getElementById("candidates");
const emptyNote = document.getElementById("empty");
const queryInput = document.getElementById("query");
const foundList = document.getElementById("found");
const toast = document.getElementById("toast");
const shareSwitch = document.getElementById("share");
const unsureNote = document.getElementById("unsure");
const noneOfThese = document.getElementById("none-of-these");
const foundCount = document.getElementById("found-count");
const moreButton = document.getElementById("more");
const SHARE_KEY = "texsketch.shareFeedback";

let debounceTimer = 0;
let requestSerial = 0;
let inFlight = null;
/** The drawing behind the candidates on screen, what was shown and by which model: a feedback sample. */
let answered = null;

// --- drawing (drawing-pad.js) ----------------------------------------------------------------

const pad = createDrawingPad(document.getElementById("pad"), {
  hint: document.getElementById("hint"),
  undoButton,
  clearButton,
  onMove: schedulePrediction,
  onStrokeEnd() {
    clearTimeout(debounceTimer);
    predict();
  },
});
/** The drawing as the API takes it (pad.strokes, changed in place by the pad). */
const strokes = pad.strokes;

function undo() {
  if (!pad.undo()) return;
  if (strokes.length) {
    predict();
  } else {
    answered = null;
    showCandidates([]);
  }
}

function clear() {
  if (!pad.clear()) return;
  answered = null;
  showCandidates([]);
}

undoButton.addEventListener("click", undo);
clearButton.addEventListener("click", clear);
document.addEventListener("keydown", (event) => {
  if (event.target === queryInput) return;
  if ((event.ctrlKey || event.metaKey) && event.key === "z") {
    event.preventDefault();
    undo();
  } else if (event.key === "Escape") {
    clear();
  } else if (/^[1-5]$/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
    // Keys 1-5 pick a candidate, as in the extension's panel (not while typing in a field).
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    const button = candidateList.querySelectorAll(".candidate")[Number(event.key) - 1];
    if (button) {
      event.preventDefault();
      button.click();
    }
  }
});

// --- recognition ------------------------------------------------------------------------------

function schedulePrediction() {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(predict, PREDICT_DEBOUNCE_MS);
}

async function predict() {
  if (strokes.length === 0) return;
  const serial = ++requestSerial;
  const strokeCount = strokes.length;
  document.body.dataset.requested = String(serial); // lets tests (and curious users) see what is shown
  if (inFlight) inFlight.abort(); // only the newest drawing matters
  inFlight = new AbortController();
  // Personal examples (static/personal.js, issue 12): ask for the blend's candidate pool and the embedding.
  const personal = window.texsketchPersonal;
  const body = JSON.stringify(personal ? { strokes, k: personal.pool, embedding: true } : { strokes, k: TOP_K });
  try {
    const response = await fetch("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: inFlight.signal,
    });
    let answer = await response.json();
    if (serial !== requestSerial) return;
    if (!response.ok) throw new Error(describeError(answer));
    if (personal) answer = personal.personalize(answer, TOP_K, JSON.parse(body).strokes);
    setStatus("");
    showCandidates(answer.predictions);
    showCertainty(answer);
    answered = {
      strokes: JSON.parse(body).strokes,
      shown: answer.predictions.map((prediction) => prediction.id).filter((id) => !id.startsWith("personal:")),
      modelVersion: answer.model.version,
    };
    candidateList.dataset.answered = String(serial);
    candidateList.dataset.strokes = String(strokeCount);
    document.getElementById("model").textContent = `model ${answer.model.version}`;
  } catch (error) {
    if (error.name === "AbortError") return;
    if (serial === requestSerial) setStatus(`Could not recognise: ${error.message}`, true);
  }
}

function describeError(answer) {
  const first = answer && Array.isArray(answer.detail) ? answer.detail[0] : null;
  return first ? `${first.loc.join(".")}: ${first.msg}` : "the server answered with an error";
}

function setStatus(text, isError = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", isError);
}

// --- showing symbols --------------------------------------------------------------------------

function previewBox(symbol) {
  const box = document.createElement("span");
  box.className = "preview-box";
  if (symbol.preview_url) {
    const image = document.createElement("img");
    image.className = "preview";
    image.src = symbol.preview_url;
    image.alt = symbol.unicode || symbol.command;
    image.addEventListener("error", () => box.replaceChildren(fallbackGlyph(symbol)));
    box.append(image);
  } else {
    box.append(fallbackGlyph(symbol));
  }
  return box;
}

function fallbackGlyph(symbol) {
  const glyph = document.createElement("span");
  glyph.className = "fallback-glyph";
  glyph.textContent = symbol.unicode || "?";
  return glyph;
}

/** The answer's own judgement (contracts section 4): "not sure" keeps the top-5 but says so and offers search. */
function showCertainty(answer) {
  const notSure = answer.not_sure === true;
  unsureNote.hidden = !notSure;
  candidateList.classList.toggle("not-sure", notSure);
  candidateList.dataset.notSure = String(notSure);
  if (typeof answer.confidence === "number") candidateList.dataset.confidence = answer.confidence.toFixed(3);
}

function metaLine(symbol, compact = false) {
  const meta = document.createElement("span");
  meta.className = "meta";
  const badges = [];
  // Search rows name every package offering the command ("latex2e": none needed); answers name one.
  const packages = Array.isArray(symbol.packages) ? symbol.packages : [symbol.package];
  // Compact rows (search) name the package alone, in full; the title says how to load it.
  for (const name of packages) if (name && name !== "latex2e") badges.push(["package", compact ? name : `\\usepackage{${name}}`, `\\usepackage{${name}}`]);
  if (packages.length > 1 && packages.includes("latex2e")) badges.push(["package builtin", "or no package"]);
  badges.push(["mode", symbol.mode === "both" ? "math & text" : `${symbol.mode} mode`]);
  for (const [kind, text, title] of badges) {
    const badge = document.createElement("span");
    badge.className = `badge ${kind}`;
    badge.textContent = text;
    if (title) badge.title = title;
    meta.append(badge);
  }
  return meta;
}

function showCandidates(predictions) {
  const items = predictions.map((prediction, index) => {
    const button = document.createElement("button");
    button.type = "button";
    const unlikely = prediction.score < UNLIKELY_BELOW;
    button.className = ["candidate", index === 0 ? "first" : "", unlikely ? "unlikely" : ""].filter(Boolean).join(" ");
    button.dataset.command = prediction.command;
    button.dataset.unlikely = String(unlikely);
    button.title = `Copy ${prediction.command}`;
    const text = document.createElement("span");
    const command = document.createElement("div");
    command.className = "command";
    command.textContent = prediction.command;
    text.append(command, metaLine(prediction));
    if (prediction.alternatives.length) {
      const also = document.createElement("span");
      also.className = "badge also";
      also.textContent = `also ${prediction.alternatives.map((a) => a.command).join(", ")}`;
      text.lastChild.append(also);
    }
    if (unlikely) {
      const badge = Object.assign(document.createElement("span"), { className: "badge unlikely", textContent: "unlikely" });
      badge.title = "The model gives this candidate less than 1 %";
      text.lastChild.prepend(badge);
    }
    const score = document.createElement("span");
    score.className = "score";
    const percent = Math.round(prediction.score * 100);
    score.textContent = unlikely ? "<1%" : `${percent}%`;
    const bar = document.createElement("div");
    bar.className = "bar";
    const fill = document.createElement("span");
    fill.style.width = `${Math.max(2, percent)}%`;
    bar.append(fill);
    score.append(bar);
    button.append(previewBox(prediction), text, score);
    button.addEventListener("click", () => {
      copyCommand(prediction.command);
      sendFeedback(prediction.id);
      window.texsketchPersonal?.picked(prediction, index); // a pick below the first is kept as a correction
    });
    const item = document.createElement("li");
    item.append(button);
    return item;
  });
  candidateList.replaceChildren(...items);
  emptyNote.hidden = items.length > 0;
  noneOfThese.hidden = items.length === 0;
  if (items.length === 0) {
    showCertainty({ not_sure: false });
    window.texsketchPersonal?.forget(); // the "Learnt" note belongs to the drawing just cleared
  }
}

// "None of these?": straight to the search box; with nothing typed yet it lists every symbol to browse.
document.getElementById("search-instead").addEventListener("click", (event) => {
  event.preventDefault();
  queryInput.focus();
  queryInput.scrollIntoView({ block: "start", behavior: "smooth" });
  if (!queryInput.value.trim()) search({ browse: true });
});

async function copyCommand(command) {
  try {
    await navigator.clipboard.writeText(command);
  } catch {
    // No clipboard API (an insecure origin or a denied permission): the old way still works on a click.
    const area = document.createElement("textarea");
    area.value = command;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  document.body.dataset.copied = command;
  toast.replaceChildren("Copied ", Object.assign(document.createElement("code"), { textContent: command }));
  toast.hidden = false;
  clearTimeout(copyCommand.timer);
  copyCommand.timer = setTimeout(() => (toast.hidden = true), 1800);
}

// --- feedback (opt-in, off by default; see backend/feedback/README.md) --------------------------

shareSwitch.checked = localStorage.getItem(SHARE_KEY) === "on";
shareSwitch.addEventListener("change", () => localStorage.setItem(SHARE_KEY, shareSwitch.checked ? "on" : "off"));

async function sendFeedback(chosenId) {
  // A personal symbol (static/personal.js) never leaves the browser, switch or not.
  if (!shareSwitch.checked || !answered || chosenId.startsWith("personal:")) return;
  const sample = { ...answered, chosenId };
  const body = JSON.stringify({
    strokes: sample.strokes,
    chosen_id: sample.chosenId,
    shown: sample.shown,
    model_version: sample.modelVersion,
    client: "demo",
  });
  // One key per sample: a retry after a 503 is stored once.
  const headers = { "content-type": "application/json", "idempotency-key": crypto.randomUUID() };
  document.body.dataset.feedback = "sending";
  try {
    let response = await fetch("/feedback", { method: "POST", headers, body });
    if (response.status === 503) {
      const wait = Math.min(5, Number(response.headers.get("retry-after")) || 1);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      response = await fetch("/feedback", { method: "POST", headers, body });
    }
    document.body.dataset.feedback = String(response.status);
  } catch {
    document.body.dataset.feedback = "failed"; // silent for the user: feedback is a favour, not a feature
  }
}

// --- search -----------------------------------------------------------------------------------

let searchTimer = 0;
let searchSerial = 0;
const SEARCH_PAGE = 24; // rows per "More"
const SEARCH_MAX = 200; // the API's largest limit
let searchLimit = SEARCH_PAGE;
let browsing = false;

queryInput.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchLimit = SEARCH_PAGE;
  browsing = false;
  searchTimer = setTimeout(search, 150);
});

moreButton.addEventListener("click", () => {
  searchLimit = Math.min(SEARCH_MAX, searchLimit + SEARCH_PAGE * 2);
  search({ browse: browsing });
});

function showCount(shown, total) {
  foundCount.hidden = false;
  foundCount.dataset.shown = String(shown);
  foundCount.dataset.total = String(total);
  if (shown >= total) foundCount.textContent = `${total} ${total === 1 ? "symbol" : "symbols"}`;
  else if (shown >= SEARCH_MAX) foundCount.textContent = `${shown} of ${total}: type more to narrow it down`;
  else foundCount.textContent = `${shown} of ${total}`;
  moreButton.hidden = shown >= total || shown >= SEARCH_MAX;
  moreButton.textContent = `More (${Math.min(total, SEARCH_MAX) - shown} more)`;
}

async function search({ browse = false } = {}) {
  const query = queryInput.value.trim();
  const serial = ++searchSerial;
  browsing = browse && !query;
  if (!query && !browsing) {
    foundList.replaceChildren();
    foundCount.hidden = true;
    moreButton.hidden = true;
    return;
  }
  const response = await fetch(`/symbols?${new URLSearchParams({ q: query, limit: String(searchLimit) })}`);
  const answer = await response.json();
  if (serial !== searchSerial) return;
  if (!response.ok) {
    foundList.replaceChildren(Object.assign(document.createElement("li"), { textContent: describeError(answer) }));
    foundCount.hidden = true;
    moreButton.hidden = true;
    return;
  }
  if (answer.symbols.length === 0) {
    foundList.replaceChildren(Object.assign(document.createElement("li"), { className: "empty", textContent: "No symbol found." }));
    foundCount.hidden = true;
    moreButton.hidden = true;
    return;
  }
  showCount(answer.symbols.length, typeof answer.total === "number" ? answer.total : answer.symbols.length);
  foundList.dataset.query = query; // which search the list shows (tests wait for it)
  foundList.replaceChildren(
    ...answer.symbols.map((symbol) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.command = symbol.command;
      button.title = `Copy ${symbol.command}`;
      const text = document.createElement("span");
      const command = document.createElement("div");
      command.className = "command";
      // A long name wraps between the words it is made of, not inside one (static/command-breaks.js).
      for (const [at, piece] of commandPieces(symbol.command).entries()) {
        if (at > 0) command.append(document.createElement("wbr"));
        command.append(piece);
      }
      text.append(command, metaLine(symbol, true));
      if (symbol.alias_of) {
        const same = Object.assign(document.createElement("span"), { className: "badge" });
        same.textContent = `same symbol as ${symbol.alias_of.command}`;
        text.lastChild.append(same);
      }
      button.append(previewBox(symbol), text);
      button.addEventListener("click", () => {
        copyCommand(symbol.command);
        sendFeedback(symbol.id); // after a wrong guess, the symbol found by name is the right label
      });
      const item = document.createElement("li");
      item.append(button);
      return item;
    }),
  );
}

// --- start ------------------------------------------------------------------------------------

window.addEventListener("resize", pad.resize);
pad.resize();
// The extension's "None of these?" opens /#search: straight to the search box, every symbol listed to browse.
if (location.hash === "#search") {
  queryInput.focus();
  search({ browse: true });
}
fetch("/health")
  .then((response) => response.json())
  .then((health) => (document.getElementById("model").textContent = `model ${health.model.version}`))
  .catch(() => setStatus("The server does not answer.", true));
