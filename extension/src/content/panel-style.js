// The panel's CSS, inside its shadow root so Overleaf's styles and ours never meet.
export const PANEL_CSS = `
:host { all: initial; }
[hidden] { display: none !important; }
/* The palette, in one place: every text colour passes WCAG AA (4.5:1) on the panel's backgrounds, hovered rows and
   the teach form included (issue 24). */
.panel {
  --ink: #1f2328; --muted: #57606a; --line: #c8ccd1; --bg: #fff; --soft: #f6f8fa; --accent: #138a07;
  --accent-soft: #eef6ec; --error: #b42318; --notice: #8a5a00; --link: #1e3f8a; --personal: #5b3cc4;
}
.panel {
  /* Anchored at the top: the candidate list grows downwards, so the canvas never moves under the pen. */
  position: fixed; right: 20px; top: 76px; max-height: calc(100vh - 96px); overflow: hidden auto; z-index: 2147483000; width: 292px;
  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--bg); border: 1px solid var(--line); border-radius: 10px; box-shadow: 0 8px 28px rgba(0,0,0,.22);
  padding: 10px; box-sizing: border-box; outline: none; user-select: none; -webkit-user-select: none;
}
.panel:focus-visible { border-color: var(--accent); }
header { display: flex; align-items: center; gap: 8px; margin-bottom: 8px; }
.title { font-weight: 600; flex: 1; }
.answered-by { font-size: 11px; padding: 1px 7px; border-radius: 9px; background: #eef1f4; color: #4b5563; }
.answered-by[data-by="server"] { background: #e3f4e1; color: #185c12; }
.answered-by[data-by="offline"] { background: #e6eefc; color: #1e3f8a; }
button { font: inherit; cursor: pointer; border: 1px solid var(--line); background: var(--soft); border-radius: 6px; padding: 3px 9px; color: inherit; }
button:hover { background: #eceff3; }
.settings-toggle { border: none; background: none; font-size: 15px; padding: 2px 4px; }
.settings { display: grid; gap: 5px; margin: 0 0 8px; padding: 7px; background: var(--soft); border-radius: 6px; font-size: 12px; }
.settings label { display: grid; grid-template-columns: 78px 1fr; align-items: center; gap: 6px; }
.settings select, .settings input { font: inherit; min-width: 0; }
.settings-note[data-kind="error"] { color: var(--error); }
.settings label.feedback-switch { grid-template-columns: auto 1fr; align-items: start; }
.close { border: none; background: none; font-size: 17px; line-height: 1; padding: 2px 6px; }
canvas { display: block; box-sizing: border-box; width: 100%; height: 190px; border: 1px dashed #9aa3ad; border-radius: 6px; background: #fcfcfd;
  touch-action: none; cursor: crosshair; }
.tools { display: flex; gap: 6px; align-items: center; margin: 7px 0 4px; }
.tools .keys { margin-left: auto; font-size: 11px; color: var(--muted); }
.status { min-height: 17px; font-size: 12px; color: var(--muted); }
.status[data-kind="error"] { color: var(--error); }
.status[data-kind="notice"] { color: var(--notice); }
.learnt { margin: 6px 0 2px; padding: 3px 7px; border-radius: 6px; background: var(--accent-soft); font-size: 12px; }
.learnt button { margin-left: 4px; padding: 0 8px; }
.unsure { margin: 3px 0 2px; padding: 4px 7px; border-radius: 6px; background: #fff4e5; color: #8a4b00; border: 1px solid #f3c98b;
  font-size: 12px; font-weight: 600; }
.unsure a { color: var(--link); font-weight: 400; margin-left: 4px; }
ol { list-style: none; margin: 4px 0 0; padding: 0; min-height: 214px; }
li + li { margin-top: 3px; }
/* Key, preview, then the command in full (wrapping, never cut: issue 24) over its package, mode and score. */
.candidate { display: grid; grid-template-columns: 18px 44px minmax(0, 1fr); align-items: center; gap: 8px; width: 100%;
  text-align: left; padding: 3px 6px; background: var(--bg); }
.candidate:hover, .candidate:focus-visible { background: var(--accent-soft); border-color: var(--accent); }
.candidate[data-unlikely="true"] .command { color: var(--muted); }
.candidate[data-unlikely="true"] .preview, .candidate[data-unlikely="true"] .glyph { opacity: 0.5; }
.text { display: grid; min-width: 0; }
kbd { font: 11px ui-monospace, monospace; color: var(--muted); border: 1px solid #d0d7de; border-radius: 4px; text-align: center; padding: 0 3px; }
.preview { width: 42px; height: 35px; } /* every preview is one 18 x 15 pt frame: true relative sizes */
.glyph { width: 44px; text-align: center; font-size: 22px; }
.command { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.meta { font-size: 11px; color: var(--muted); }
.package-hint { margin-top: 8px; padding: 6px 8px; background: #fff8e6; border: 1px solid #f0d48a; border-radius: 6px; font-size: 12px; }
.package-hint button { margin-top: 5px; margin-right: 6px; }
code { font: 12px ui-monospace, monospace; }
.teach { display: grid; gap: 5px; margin: 0 0 8px; padding: 7px; background: #f3f0fb; border-radius: 6px; font-size: 12px; }
.teach label { display: grid; grid-template-columns: 44px 1fr; align-items: center; gap: 6px; }
.teach input { font: 12px ui-monospace, monospace; min-width: 0; }
.teach-row { display: flex; gap: 6px; align-items: center; }
.teach-count { flex: 1; color: var(--muted); }
.teach-note { color: var(--muted); }
.candidate[data-personal="true"] .command { color: var(--personal); }
`;
