// The demo page's personal examples (issue 12): corrections and personal symbols kept in this browser's
// localStorage (key texsketch.personalSet, the export file's format: extension/src/shared/personal-set.js), and
// the one personal blend (extension/src/shared/personal-blend.js, served under /personal/) applied to every
// answer. Nothing personal is ever sent: the server only answers /predict for the drawing on screen.
// demo.js calls window.texsketchPersonal: personalize(answer, k, strokes) and picked(prediction, index).
import { CANDIDATE_POOL, personalizeAnswer } from "/personal/personal-blend.js";
import {
  addExamples,
  DRAWINGS_PER_SYMBOL,
  emptySet,
  indexFor,
  makeExample,
  mergeSets,
  parsePersonalSet,
  personalSymbol,
  removeSymbol,
  summarize,
} from "/personal/personal-set.js";

const KEY = "texsketch.personalSet";
const section = document.getElementById("personal");
const list = document.getElementById("personal-list");
const note = document.getElementById("personal-status");
const teachForm = document.getElementById("teach");
const keptCount = document.getElementById("teach-count");

let set = null; // null: what is stored cannot be read (kept untouched, still exportable)
let indexes = new Map(); // model sha256 -> blend index
let last = null; // the drawing behind the candidates on screen: {strokes, embedding, model}
let teaching = [];
const learntNote = document.getElementById("learnt");

/** "1 drawing", "2 drawings". */
function drawingCount(count) {
  return `${count} ${count === 1 ? "drawing" : "drawings"}`;
}

function say(text, isError = false) {
  note.textContent = text;
  note.classList.toggle("error", isError);
}

function load() {
  const raw = localStorage.getItem(KEY);
  if (raw === null) return emptySet();
  try {
    return parsePersonalSet(JSON.parse(raw));
  } catch (error) {
    say(`Your stored symbols cannot be read (${error.message}); they are kept as they are, export still works.`, true);
    return null;
  }
}

function save(next) {
  localStorage.setItem(KEY, JSON.stringify(next)); // throws when the browser's quota is full: nothing changes then
  set = next;
  indexes = new Map();
  render();
}

function change(update, done) {
  if (!set) return say("Your stored symbols cannot be read: nothing can be added until they are deleted.", true);
  try {
    save(update(set));
    if (done) say(done);
  } catch (error) {
    say(error.message, true);
  }
}

function render() {
  const rows = set ? summarize(set) : [];
  list.replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement("li");
      item.dataset.symbolId = row.symbol.id;
      const command = Object.assign(document.createElement("code"), { textContent: row.symbol.command });
      const what = document.createElement("span");
      what.className = "meta";
      what.textContent = `${row.personal ? "your symbol" : "corrections"} · ${drawingCount(row.drawings)}`;
      const remove = Object.assign(document.createElement("button"), { type: "button", className: "remove", textContent: "Delete" });
      remove.addEventListener("click", () => change((s) => removeSymbol(s, row.symbol.id), `Deleted ${row.symbol.command}.`));
      item.append(command, what, remove);
      return item;
    }),
  );
  section.dataset.examples = String(set ? set.examples.length : 0);
  document.getElementById("personal-empty").hidden = rows.length > 0;
}

/** Is the answer on screen the one for the drawing as it is now? (demo.js marks both on the page.) */
function answerIsCurrent() {
  const candidates = document.getElementById("candidates");
  return last !== null && candidates.dataset.answered === document.body.dataset.requested;
}

window.texsketchPersonal = {
  pool: CANDIDATE_POOL,

  personalize(answer, k, strokes) {
    last = answer.embedding ? { strokes, embedding: answer.embedding, model: answer.model.sha256 } : null;
    if (!set || !answer.embedding) return { ...answer, predictions: answer.predictions.slice(0, k) };
    const sha = answer.model.sha256;
    if (!indexes.has(sha)) indexes.set(sha, indexFor(set, sha));
    return personalizeAnswer(answer, indexes.get(sha), k);
  },

  /** A pick from place 2 or lower is a correction: kept, so this way of drawing ranks it first next time. It
   * says so next to the candidates, with an Undo that takes it back there and then (issue 24). */
  picked(prediction, index) {
    if (index === 0 || !answerIsCurrent()) return;
    const example = makeExample({ kind: "correction", symbol: prediction, ...last });
    change((s) => addExamples(s, [example]), `Remembered: your drawing means ${prediction.command}.`);
    if (set && set.examples.some((e) => e.id === example.id)) showLearnt(example);
  },
};

function showLearnt(example) {
  const command = Object.assign(document.createElement("code"), { textContent: example.symbol.command });
  const undo = Object.assign(document.createElement("button"), { type: "button", id: "undo-learnt", textContent: "Undo" });
  undo.title = "Forget this correction";
  undo.addEventListener("click", () => {
    change((s) => ({ ...s, examples: s.examples.filter((e) => e.id !== example.id) }), `Forgot: your drawing means ${example.symbol.command}.`);
    learntNote.replaceChildren("Forgotten: this drawing no longer means ", command.cloneNode(true), ".");
    learntNote.dataset.state = "undone";
  });
  learntNote.replaceChildren("Learnt: this drawing \u2192 ", command, " \u00b7 ", undo);
  learntNote.dataset.state = "learnt";
  learntNote.hidden = false;
}

window.texsketchPersonal.forget = () => {
  learntNote.hidden = true; // a new drawing: the note was about the one before
  delete learntNote.dataset.state;
};

teachForm.addEventListener("submit", (event) => {
  event.preventDefault();
  let symbol;
  try {
    symbol = personalSymbol(teachForm.snippet.value);
  } catch (error) {
    return say(error.message, true);
  }
  if (!answerIsCurrent()) return say("Draw the symbol and wait for its candidates, then press Keep.", true);
  teaching.push(makeExample({ kind: "personal-symbol", symbol, ...last }));
  keptCount.textContent = `${teaching.length}/${DRAWINGS_PER_SYMBOL}`;
  teachForm.dataset.kept = String(teaching.length);
  document.getElementById("clear").click();
  if (teaching.length < DRAWINGS_PER_SYMBOL) return say(`Kept drawing ${teaching.length} of ${DRAWINGS_PER_SYMBOL}. Draw it again.`);
  const examples = teaching;
  teaching = [];
  keptCount.textContent = `0/${DRAWINGS_PER_SYMBOL}`;
  teachForm.dataset.kept = "0";
  change((s) => addExamples(s, examples), `Learnt ${symbol.command}: draw it and it is a candidate.`);
  teachForm.snippet.value = "";
});

document.getElementById("personal-export").addEventListener("click", () => {
  const raw = localStorage.getItem(KEY) ?? JSON.stringify(emptySet());
  const url = URL.createObjectURL(new Blob([`${raw}\n`], { type: "application/json" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: "texsketch-personal.json" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  say("Exported to texsketch-personal.json.");
});

// A real button opens the file chooser: reachable and usable by keyboard (a <label> around a hidden input is not).
document.getElementById("personal-import-button").addEventListener("click", () => document.getElementById("personal-import").click());
document.getElementById("personal-import").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  event.target.value = "";
  if (!file) return;
  let data;
  try {
    data = JSON.parse(await file.text());
  } catch {
    return say(`Nothing imported: ${file.name} is not a JSON file.`, true);
  }
  let added = 0;
  change(
    (s) => {
      const merged = mergeSets(s, data);
      added = merged.added;
      return merged.set;
    },
    null,
  );
  if (!note.classList.contains("error")) say(`Imported ${added} new ${added === 1 ? "drawing" : "drawings"} from ${file.name}.`);
});

set = load();
render();
