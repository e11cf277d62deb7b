// Drives the test page and the TeXSketch panel the same way in Playwright (Chromium) and Puppeteer
// (Firefox): only page.evaluate(fn, arg), page.mouse and page.keyboard, which both libraries share.
// The panel lives in an open shadow root, readable from the page.

const HOST = '#texsketch-panel-host';

export async function waitFor(page, fn, arg, { timeoutMs = 15_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(fn, arg ?? null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function waitForEditor(page) {
  return waitFor(page, () => document.body?.dataset.editorReady === 'true' && Boolean(window.__testView), null, {
    what: 'the CodeMirror editor',
  });
}

export function panelState(page) {
  return page.evaluate((host) => {
    const shadow = document.querySelector(host)?.shadowRoot;
    if (!shadow) return null;
    const root = shadow.querySelector('.panel');
    return {
      open: !document.querySelector(host).hidden,
      state: root.dataset.state,
      answeredBy: root.dataset.answeredBy ?? null,
      latencyMs: root.dataset.latencyMs ? Number(root.dataset.latencyMs) : null,
      strategy: root.dataset.strategy ?? null,
      refusal: root.dataset.refusal ?? null,
      strokes: Number(root.dataset.strokes ?? 0),
      answers: Number(root.dataset.answers ?? 0),
      pointerType: root.dataset.pointerType ?? null,
      settingsOpen: !shadow.querySelector('.settings').hidden,
      settingsNote: shadow.querySelector('.settings-note').textContent,
      status: shadow.querySelector('.status').textContent,
      statusKind: shadow.querySelector('.status').dataset.kind ?? null,
      candidates: [...shadow.querySelectorAll('.candidate')].map((b) => ({
        command: b.dataset.command,
        id: b.dataset.id,
        pkg: b.dataset.package || null,
        meta: b.querySelector('.meta').textContent,
        hasPreview: Boolean(b.querySelector('img.preview')?.src?.startsWith('data:image/svg+xml')),
      })),
      hint: shadow.querySelector('.package-hint').hidden ? null : shadow.querySelector('.hint-text').textContent,
      hintPkg: shadow.querySelector('.package-hint').dataset.pkg ?? null,
    };
  }, HOST);
}

/** Poll the panel until `predicate(panelState)` holds; resolves to that state. */
export async function waitForPanel(page, predicate, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await panelState(page);
    if (state && predicate(state)) return state;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

async function rectOf(page, selector) {
  return page.evaluate(
    ({ host, selector }) => {
      const el = document.querySelector(host).shadowRoot.querySelector(selector);
      const r = el.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    },
    { host: HOST, selector },
  );
}

export async function clickInPanel(page, selector) {
  const r = await rectOf(page, selector);
  await page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
}

/** Draw strokes given in canvas coordinates with the mouse, as a user would. */
export async function drawStrokes(page, strokes) {
  const box = await rectOf(page, 'canvas');
  for (const stroke of strokes) {
    await page.mouse.move(box.x + stroke[0][0], box.y + stroke[0][1]);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x, box.y + y);
    await page.mouse.up();
  }
  return box;
}

export async function canvasSize(page) {
  const r = await rectOf(page, 'canvas');
  return [r.width, r.height];
}

/** Draw, then wait for candidates that answer the whole drawing; returns the panel state. */
export async function drawAndRecognize(page, strokes) {
  await clickInPanel(page, '.clear');
  await drawStrokes(page, strokes);
  return waitForPanel(page, (s) => (s.latencyMs !== null && s.state === 'ready') || s.state === 'error', 'candidates after pen-up');
}

export function editorState(page) {
  return page.evaluate(() => {
    const view = window.__testView;
    return {
      doc: view.state.doc.toString(),
      head: view.state.selection.main.head,
      anchor: view.state.selection.main.anchor,
      focused: view.hasFocus,
    };
  });
}

/** Select [from, to) in the editor (a caret when equal) and focus it. */
export function selectInEditor(page, from, to = from) {
  return page.evaluate(
    ({ from, to }) => {
      window.__testView.dispatch({ selection: { anchor: from, head: to } });
      window.__testView.focus();
    },
    { from, to },
  );
}
