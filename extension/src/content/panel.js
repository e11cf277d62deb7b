// The drawing panel: canvas with pointer events (mouse, pen, touch), undo, clear, live recognition while
// drawing, the top-5 with previews; click or keys 1-5 insert into the editor; a package hint afterwards.
import { StrokeRecorder } from '../shared/stroke-recorder.js';
import { missingPackage } from '../shared/latex-preamble.js';
import { PANEL_CSS } from './panel-style.js';
import { TEACH_MARKUP, TeachForm } from './personal-teach.js';

// Recognize at most this often while a stroke is being drawn ("live"), and at once on pen-up.
export const LIVE_INTERVAL_MS = 300;
const K = 5;
// A candidate the model gives less than this is greyed and labelled "unlikely", not offered as an answer
// (issue 24): for a rare symbol's drawing, "." at 0 % in place 2 is filler.
export const UNLIKELY_BELOW = 0.01;

// The panel's fixed structure; candidates are built with DOM calls (their text comes from the recognizer).
const PANEL_MARKUP = `
      <section class="panel" tabindex="-1" aria-label="TeXSketch: draw a symbol" data-state="empty">
        <header><span class="title">TeXSketch</span><span class="answered-by" title="Who recognized the drawing"></span>
          <button class="settings-toggle" title="Recognition settings" aria-label="Settings">⚙</button>
          <button class="close" title="Close (Esc)" aria-label="Close">×</button></header>
        <form class="settings" hidden>
          <label>Recognition <select name="mode"><option value="auto">auto (server, else offline)</option>
            <option value="server">server</option><option value="offline">offline (in the browser)</option></select></label>
          <label>Server <input name="serverUrl" type="url" spellcheck="false"></label>
          <label class="feedback-switch"><input name="sendFeedback" type="checkbox"> <span>Send my drawing and the symbol I
            insert to the TeXSketch server to improve recognition (anonymous: no address or account is stored).</span></label>
          <div class="settings-note"></div>
        </form>
        ${TEACH_MARKUP}
        <canvas aria-label="Drawing area"></canvas>
        <div class="tools"><button class="undo" title="Undo last stroke (Ctrl+Z)">Undo</button>
          <button class="clear" title="Clear (Delete)">Clear</button>
          <button class="teach-toggle" title="Teach a symbol of your own: draw it 3 times">Teach…</button><span class="keys">1-5 insert · Esc close</span></div>
        <div class="status" role="status">Draw a symbol.</div>
        <div class="unsure" hidden>Not sure: draw it again or search.
          <a class="none-of-these" target="_blank" rel="noopener noreferrer">None of these?</a></div>
        <ol class="candidates"></ol>
        <div class="package-hint" hidden><div class="hint-text"></div>
          <button class="add-package"></button><button class="dismiss-hint">Dismiss</button></div>
        <!-- Last, so that appearing a moment after an insertion it moves nothing the pointer may be over. -->
        <div class="learnt" role="status" hidden><span class="learnt-text"></span>
          <button class="undo-learnt" title="Forget this correction">Undo</button></div>
      </section>`;

// Unique within a browser session is enough (the background only compares them); crypto.randomUUID would need
// a secure context, which a self-hosted Overleaf on plain http is not.
function newDrawingId() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class Panel {
  /**
   * @param {object} deps
   * @param {(strokes: number[][][], k: number) => Promise<object>} deps.recognize the background's answer
   * @param {import('./editor-bridge.js').EditorBridge} deps.editor
   * @param {{load: () => Promise<object>, save: (changes: object) => Promise<void>}} deps.settings storage.local
   * @param {(pick: {drawingId: string, strokes: number[][][], chosenId: string, shown: string[],
   *   modelVersion: string|null}) => void} [deps.onInsert] told about each insertion (the background decides
   *   whether it becomes feedback: only with the switch on, and only the first pick of a drawing)
   * @param {(example: {symbol: object, strokes: number[][][], embedding: number[], model: string}) =>
   *   Promise<string>} [deps.onCorrection] told when the user picks a candidate that was not first (kept as a
   *   personal example); resolves to the stored example's id
   * @param {(exampleId: string) => Promise<void>} [deps.forgetCorrection] the panel's Undo of that correction
   * @param {(request: {snippet: string, drawings: object[]}) => Promise<object>} [deps.teach] stores a
   *   personal symbol drawn three times
   * @param {Document} [deps.document]
   */
  constructor({
    recognize,
    editor,
    settings,
    onInsert = () => {},
    onCorrection = async () => null,
    forgetCorrection = async () => {},
    teach = async () => {
      throw new Error('personal symbols are not available here');
    },
    openOptions = () => {},
    document: doc = document,
  }) {
    this.recognize = recognize;
    this.onCorrection = onCorrection;
    this.forgetCorrection = forgetCorrection;
    this.teachRequest = teach;
    this.openOptions = openOptions;
    this.embedding = null; // the embedding and model sha256 of the answer on screen (personal examples)
    this.modelSha = null;
    this.onInsert = onInsert;
    this.settings = settings;
    this.editor = editor;
    this.doc = doc;
    this.recorder = new StrokeRecorder();
    this.predictions = [];
    this.drawingVersion = 0; // bumps on every change to the drawing
    this.shownVersion = -1; // the drawing version the shown candidates belong to
    this.inFlight = false;
    this.wanted = false; // a newer drawing is waiting for the request in flight
    this.liveTimer = null;
    this.penUpAt = null;
    this.modelVersion = null; // model.version of the answer on screen
    this.drawingId = newDrawingId(); // names one drawing from its first stroke until it is cleared
    this.#build();
  }

  get isOpen() {
    return !this.host.hidden;
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  open() {
    this.host.hidden = false;
    this.#resizeCanvas();
    this.root.focus();
  }

  close() {
    this.host.hidden = true;
  }

  #build() {
    this.host = this.doc.createElement('texsketch-panel');
    this.host.id = 'texsketch-panel-host';
    this.host.hidden = true;
    const shadow = this.host.attachShadow({ mode: 'open' });
    const style = this.doc.createElement('style');
    style.textContent = PANEL_CSS;
    // Fixed markup parsed inertly (no scripts run in a DOMParser document), then moved into the shadow root.
    const parsed = new DOMParser().parseFromString(PANEL_MARKUP, 'text/html');
    shadow.append(style, ...parsed.body.childNodes);
    const $ = (selector) => shadow.querySelector(selector);
    this.root = $('.panel');
    this.canvas = $('canvas');
    this.answeredBy = $('.answered-by');
    this.status = $('.status');
    this.unsure = $('.unsure'); // the answer's "not sure" (contracts section 4), with a way to search instead
    this.noneOfThese = $('.none-of-these');
    this.list = $('.candidates');
    this.hint = $('.package-hint');
    this.learnt = $('.learnt'); // "Learnt: this drawing -> \propto · Undo" after a correction (issue 24)
    $('.undo-learnt').addEventListener('click', () => this.#undoLearnt());
    $('.close').addEventListener('click', () => this.close());
    this.settingsForm = $('.settings');
    $('.settings-toggle').addEventListener('click', () => this.#toggleSettings());
    this.settingsForm.addEventListener('change', () => this.#saveSettings());
    this.settingsForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#saveSettings();
    });
    this.teachForm = new TeachForm({
      form: $('.teach'),
      current: () =>
        this.embedding && this.modelSha && !this.recorder.isEmpty && this.shownVersion === this.drawingVersion
          ? { strokes: this.recorder.toStrokes(), embedding: this.embedding, model: this.modelSha }
          : null,
      clear: () => this.clear(),
      status: (text, kind) => this.#setStatus(text, kind),
      save: (request) => this.teachRequest(request),
      openOptions: () => this.openOptions(),
    });
    $('.teach-toggle').addEventListener('click', () => (this.teachForm.isOpen ? this.teachForm.close() : this.teachForm.open()));
    $('.undo').addEventListener('click', () => this.undo());
    $('.clear').addEventListener('click', () => this.clear());
    $('.dismiss-hint').addEventListener('click', () => (this.hint.hidden = true));
    $('.add-package').addEventListener('click', () => this.#addPackage());
    // Buttons must not take the focus from the editor selection they act on.
    for (const button of shadow.querySelectorAll('button')) button.addEventListener('mousedown', (e) => e.preventDefault());
    this.root.addEventListener('keydown', (event) => this.#onKey(event));
    this.#wirePointer();
    (this.doc.body ?? this.doc.documentElement).append(this.host);
  }

  async #toggleSettings() {
    const form = this.settingsForm;
    if (!form.hidden) {
      form.hidden = true;
      return;
    }
    const current = await this.settings.load();
    form.mode.value = current.mode;
    form.serverUrl.value = current.serverUrl;
    form.sendFeedback.checked = current.sendFeedback === true;
    form.hidden = false;
  }

  async #saveSettings() {
    const form = this.settingsForm;
    const note = form.querySelector('.settings-note');
    try {
      await this.settings.save({
        mode: form.mode.value,
        serverUrl: form.serverUrl.value,
        sendFeedback: form.sendFeedback.checked,
      });
      note.textContent = 'Saved.';
      note.dataset.kind = 'info';
      if (!this.recorder.isEmpty) this.#requestRecognition();
    } catch (error) {
      note.textContent = error.message;
      note.dataset.kind = 'error';
    }
  }

  #resizeCanvas() {
    const ratio = globalThis.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    if (!width) return;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.ctx = this.canvas.getContext('2d');
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.#redraw();
  }

  #wirePointer() {
    const position = (event) => {
      const rect = this.canvas.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top, event.timeStamp];
    };
    this.canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 && event.pointerType === 'mouse') return;
      event.preventDefault();
      this.root.focus();
      try {
        this.canvas.setPointerCapture(event.pointerId); // keep the stroke when the pen leaves the canvas
      } catch {
        // a pointer the browser no longer tracks: draw without capture
      }
      if (!this.recorder.begin(...position(event), event.pointerId)) return;
      if (this.recorder.strokes.length === 1) this.#hideLearnt(); // a new drawing: the note was about the last one
      delete this.root.dataset.latencyMs; // a new measurement starts with this stroke
      this.root.dataset.pointerType = event.pointerType; // mouse, pen or touch: shown to tests and devtools
      this.#changed();
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (!this.recorder.isDrawing) return;
      const samples = event.getCoalescedEvents?.() ?? [];
      let added = false;
      for (const sample of samples.length ? samples : [event]) {
        added = this.recorder.move(...position(sample), event.pointerId) || added;
      }
      if (added) {
        this.#changed();
        this.#scheduleLive();
      }
    });
    const finish = (event) => {
      if (!this.recorder.end(...position(event), event.pointerId)) return;
      this.penUpAt = performance.now();
      clearTimeout(this.liveTimer); // the pen-up request below covers the whole stroke
      this.liveTimer = null;
      this.#changed();
      this.#requestRecognition();
    };
    this.canvas.addEventListener('pointerup', finish);
    this.canvas.addEventListener('pointercancel', finish);
  }

  #onKey(event) {
    if (event.composedPath()[0]?.closest?.('input, select, textarea')) return; // typing in the settings form
    if (event.ctrlKey || event.metaKey) {
      if (event.key.toLowerCase() === 'z') this.undo();
      else return;
    } else if (/^[1-5]$/.test(event.key)) {
      this.choose(Number(event.key) - 1);
    } else if (event.key === 'Escape') {
      this.close();
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      this.clear();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // keys meant for the panel must not reach Overleaf's shortcuts
  }

  undo() {
    if (!this.recorder.undo()) return;
    this.#changed();
    if (this.recorder.isEmpty) this.#showEmpty();
    else this.#requestRecognition();
  }

  clear() {
    this.recorder.clear();
    delete this.root.dataset.latencyMs;
    this.#changed();
    this.#showEmpty();
  }

  /** Insert candidate `index` at the editor's cursor, then check the preamble for its package. */
  async choose(index) {
    const prediction = this.predictions[index];
    if (!prediction) return;
    // Taken before the insertion awaits: the drawing is cleared right after it.
    const pick = {
      drawingId: this.drawingId,
      strokes: this.recorder.toStrokes(),
      chosenId: prediction.id,
      shown: this.predictions.map((p) => p.id),
      modelVersion: this.modelVersion,
    };
    delete this.root.dataset.strategy; // set again below: which way to the editor this insertion took
    delete this.root.dataset.refusal; // or why the editor refused it (read-only, hidden, no-editor)
    try {
      const strategy = await this.editor.insert(prediction.command);
      this.root.dataset.inserted = prediction.command;
      this.root.dataset.strategy = strategy;
    } catch (error) {
      // Refused (read-only, hidden editor) or failed: the drawing stays, so the user can retry once it is fixed.
      this.root.dataset.refusal = error.code ?? 'error';
      this.#setStatus(`Could not insert ${prediction.command}: ${error.message}`, 'error');
      return;
    }
    try {
      this.onInsert(pick);
    } catch {
      // feedback is optional: it must never undo or hide an insertion
    }
    // A pick below the first answer is a correction: kept in the browser to rank this drawing's look higher.
    // It says so, with an Undo, once stored; like feedback, it is never in the way of an insertion.
    if (index > 0 && this.embedding && this.modelSha && this.shownVersion === this.drawingVersion) {
      const example = { symbol: prediction, strokes: pick.strokes, embedding: this.embedding, model: this.modelSha };
      Promise.resolve()
        .then(() => this.onCorrection(example))
        .then((exampleId) => this.#showLearnt(prediction, exampleId))
        .catch(() => {});
      this.root.dataset.corrections = String(Number(this.root.dataset.corrections ?? 0) + 1);
    }
    this.clear();
    this.#setStatus(`Inserted ${prediction.command}.`);
    await this.#checkPackage(prediction);
  }

  #showLearnt(prediction, exampleId) {
    if (typeof exampleId !== 'string') return;
    this.learnt.querySelector('.learnt-text').textContent = `Learnt: this drawing \u2192 ${prediction.command} \u00b7`;
    this.learnt.dataset.exampleId = exampleId;
    this.learnt.dataset.state = 'learnt';
    this.learnt.hidden = false;
  }

  async #undoLearnt() {
    const { exampleId } = this.learnt.dataset;
    if (!exampleId) return;
    const text = this.learnt.querySelector('.learnt-text');
    try {
      await this.forgetCorrection(exampleId);
      text.textContent = 'Forgotten: this drawing is no correction any more.';
      this.learnt.dataset.state = 'undone';
      delete this.learnt.dataset.exampleId;
      this.learnt.querySelector('.undo-learnt').hidden = true;
    } catch (error) {
      text.textContent = `Could not forget the correction: ${error.message}`;
    }
  }

  #hideLearnt() {
    this.learnt.hidden = true;
    delete this.learnt.dataset.exampleId;
    delete this.learnt.dataset.state;
    this.learnt.querySelector('.undo-learnt').hidden = false;
  }

  async #checkPackage(prediction) {
    const missing = missingPackage(prediction.package, await this.editor.readDoc());
    this.hint.hidden = !missing;
    if (!missing) return;
    const text = this.hint.querySelector('.hint-text');
    const button = this.hint.querySelector('.add-package');
    text.textContent = missing.canAdd
      ? `${prediction.command} needs \\usepackage{${missing.pkg}}, which this document's preamble does not load.`
      : `${prediction.command} needs \\usepackage{${missing.pkg}}: make sure the main file's preamble loads it.`;
    button.hidden = !missing.canAdd;
    button.textContent = `Add \\usepackage{${missing.pkg}}`;
    this.hint.dataset.pkg = missing.pkg;
  }

  async #addPackage() {
    const pkg = this.hint.dataset.pkg;
    try {
      const added = await this.editor.addPackage(pkg);
      this.#setStatus(added ? `Added \\usepackage{${pkg}} after \\documentclass.` : 'No \\documentclass found here.');
    } catch (error) {
      this.#setStatus(`Could not add the package: ${error.message}`, 'error');
    }
    this.hint.hidden = true;
  }

  #changed() {
    this.drawingVersion += 1;
    this.root.dataset.strokes = String(this.recorder.strokes.length);
    this.#redraw();
  }

  #scheduleLive() {
    if (this.liveTimer !== null) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = null;
      if (this.recorder.isDrawing) this.#requestRecognition();
    }, LIVE_INTERVAL_MS);
  }

  // One request at a time; a drawing that changed meanwhile is sent when the answer is back.
  async #requestRecognition() {
    if (this.inFlight) {
      this.wanted = true;
      return;
    }
    this.inFlight = true;
    this.wanted = false;
    const version = this.drawingVersion;
    const sentAt = performance.now();
    this.root.dataset.state = 'recognizing';
    try {
      const answer = await this.recognize(this.recorder.toStrokes(), K);
      if (version === this.drawingVersion || (!this.wanted && version > this.shownVersion)) {
        this.#show(answer, version, sentAt);
      }
    } catch (error) {
      if (version === this.drawingVersion) this.#showError(error);
    } finally {
      this.inFlight = false;
      if (this.wanted && !this.recorder.isEmpty) this.#requestRecognition();
      else if (this.recorder.isEmpty) this.root.dataset.state = 'empty';
    }
  }

  #show(answer, version, sentAt) {
    if (this.recorder.isEmpty) return;
    this.shownVersion = version;
    this.predictions = answer.predictions;
    this.modelVersion = answer.model?.version ?? null;
    this.embedding = answer.embedding ?? null;
    this.modelSha = answer.model?.sha256 ?? null;
    this.root.dataset.personalized = String(Boolean(answer.personalized));
    this.list.replaceChildren(...answer.predictions.map((p, i) => this.#candidate(p, i)));
    this.answeredBy.textContent = answer.answeredBy;
    this.answeredBy.dataset.by = answer.answeredBy;
    this.root.dataset.answeredBy = answer.answeredBy;
    if (answer.fallbackReason) this.#setStatus(`Server unreachable, answered offline: ${answer.fallbackReason}.`, 'notice');
    else this.#setStatus(`Recognized by the ${answer.answeredBy === 'server' ? 'server' : 'offline model'}.`);
    this.root.dataset.state = 'ready';
    this.root.dataset.answers = String(Number(this.root.dataset.answers ?? 0) + 1);
    this.#showCertainty(answer);
    // Pen-up to candidates on screen, for answers to the drawing as it was at pen-up (the README's numbers).
    if (this.penUpAt !== null && sentAt >= this.penUpAt) {
      this.root.dataset.latencyMs = String(Math.round(performance.now() - this.penUpAt));
      this.penUpAt = null;
    }
  }

  // "Not sure" keeps the candidates but says so; "None of these?" opens the server's search (demo page).
  #showCertainty(answer) {
    const notSure = answer?.not_sure === true;
    this.unsure.hidden = !notSure;
    this.root.dataset.notSure = String(notSure);
    if (!notSure) return;
    this.settings
      .load()
      .then(({ serverUrl }) => (this.noneOfThese.href = `${serverUrl}/#search`))
      .catch(() => {});
  }

  #showError(error) {
    this.#showCertainty(null);
    this.predictions = [];
    this.list.replaceChildren();
    this.answeredBy.textContent = 'none';
    this.answeredBy.dataset.by = 'none';
    this.root.dataset.answeredBy = 'none';
    this.root.dataset.state = 'error';
    const help = /cannot reach/.test(error.message)
      ? ' Start it (make run), or choose "auto" or "offline" in the extension options.'
      : '';
    this.#setStatus(`${error.message}.${help}`, 'error');
  }

  #showEmpty() {
    this.#showCertainty(null);
    this.predictions = [];
    this.drawingId = newDrawingId(); // the next stroke starts a new drawing
    this.list.replaceChildren();
    this.root.dataset.state = 'empty';
    this.#setStatus('Draw a symbol.');
  }

  #candidate(prediction, index) {
    const item = this.doc.createElement('li');
    const button = this.doc.createElement('button');
    button.className = 'candidate';
    button.dataset.command = prediction.command;
    button.dataset.id = prediction.id;
    button.dataset.package = prediction.package ?? '';
    if (prediction.id.startsWith('personal:')) button.dataset.personal = 'true';
    button.title = `Insert ${prediction.command} (${index + 1})`;
    const unlikely = prediction.score < UNLIKELY_BELOW;
    button.dataset.unlikely = String(unlikely);
    button.addEventListener('mousedown', (e) => e.preventDefault());
    button.addEventListener('click', () => this.choose(index));
    const key = this.doc.createElement('kbd');
    key.textContent = String(index + 1);
    let look;
    if (prediction.preview) {
      look = this.doc.createElement('img');
      look.className = 'preview';
      look.alt = prediction.unicode ?? prediction.command;
      look.src = prediction.preview;
    } else {
      look = this.doc.createElement('span');
      look.className = 'glyph';
      look.textContent = prediction.unicode ?? '';
    }
    // The command in full (it wraps, never cut) with its package, mode and score on the line below it.
    const text = this.doc.createElement('span');
    text.className = 'text';
    const command = this.doc.createElement('span');
    command.className = 'command';
    command.textContent = prediction.command;
    const meta = this.doc.createElement('span');
    meta.className = 'meta';
    const score = unlikely ? 'unlikely (<1%)' : `${Math.round(prediction.score * 100)}%`;
    meta.textContent = [prediction.package, prediction.mode === 'both' ? null : prediction.mode, score].filter(Boolean).join(' · ');
    text.append(command, meta);
    button.append(key, look, text);
    item.append(button);
    return item;
  }

  #setStatus(text, kind = 'info') {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  #redraw() {
    const ctx = this.ctx;
    if (!ctx) return;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#1f2328';
    for (const stroke of this.recorder.strokes) {
      ctx.beginPath();
      ctx.moveTo(stroke[0][0], stroke[0][1]);
      if (stroke.length === 1) ctx.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
      for (const [x, y] of stroke.slice(1)) ctx.lineTo(x, y);
      ctx.stroke();
    }
  }
}
