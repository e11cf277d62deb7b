// Drives the demo page in real headless Chromium (playwright-core from extension/node_modules):
// draw two strokes, see candidates, copy one, undo, clear, search. Run by test_demo_page.py:
//   node tests/backend/demo_page.mjs <server url> <screenshot.png> <search query> <expected command>
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../extension/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [url, screenshot, query, expectedCommand] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "texsketch-demo-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1100, height: 820 },
  hasTouch: true,
  permissions: ["clipboard-read", "clipboard-write"],
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = {};
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  const predictRequests = [];
  const feedbackRequests = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/predict")) predictRequests.push(request.postDataJSON());
    if (request.url().endsWith("/feedback")) feedbackRequests.push({ body: request.postDataJSON(), headers: request.headers() });
  });
  await page.goto(url);
  const box = await page.locator("#pad").boundingBox();
  assert.ok(box.width > 200, "the canvas is laid out");

  // A plus sign: two strokes with the mouse (pointer events), points spread over time.
  const stroke = async (points) => {
    await page.mouse.move(box.x + points[0][0] * box.width, box.y + points[0][1] * box.height);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
    await page.mouse.up();
  };
  await stroke([[0.2, 0.5], [0.8, 0.5]]);
  await stroke([[0.5, 0.2], [0.5, 0.8]]);

  const candidates = page.locator("#candidates .candidate");
  // Wait for the answer to the whole drawing (answers to partial strokes arrive first while drawing live).
  const answeredFor = (strokeCount) =>
    page.waitForFunction((n) => {
      const list = document.getElementById("candidates");
      return list.dataset.strokes === String(n) && list.dataset.answered === document.body.dataset.requested;
    }, strokeCount, { timeout: 10000 });
  await answeredFor(2);
  assert.equal(await candidates.count(), 5);
  const commands = await candidates.evaluateAll((nodes) => nodes.map((node) => node.dataset.command));
  report.commands = commands;
  const last = predictRequests.at(-1);
  assert.equal(last.strokes.length, 2, "both strokes were sent");
  assert.ok(last.strokes.every((s) => s.length >= 2 && s.every((p) => p.length === 3)), "points are [x, y, t]");
  report.points = last.strokes.map((s) => s.length);
  const previews = await page.locator("#candidates img.preview").count();
  report.previews = previews;
  await page.locator("#hint.gone").waitFor();
  await page.screenshot({ path: screenshot });

  // Click the second candidate: its command lands in the clipboard and the toast says so.
  await candidates.nth(1).click();
  await page.locator("#toast:not([hidden])").waitFor();
  report.toast = await page.locator("#toast").innerText();
  report.clipboard = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(report.clipboard, commands[1]);
  assert.equal(report.toast, `Copied ${commands[1]}`);
  assert.equal(feedbackRequests.length, 0, "feedback is off by default: nothing is sent");

  // Opt in, pick the first candidate: one anonymous sample goes to POST /feedback.
  await page.check("#share");
  await candidates.nth(0).click();
  await page.waitForFunction(() => document.body.dataset.feedback === "201", null, { timeout: 10000 });
  assert.equal(feedbackRequests.length, 1);
  const sample = feedbackRequests[0];
  assert.equal(sample.body.client, "demo");
  assert.equal(sample.body.shown.length, 5);
  assert.equal(sample.body.chosen_id, sample.body.shown[0]);
  assert.deepEqual(sample.body.strokes, last.strokes);
  assert.match(sample.headers["idempotency-key"], /^[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(sample.body).sort(), ["chosen_id", "client", "model_version", "shown", "strokes"]);
  report.feedback = sample.body.chosen_id;

  // Undo removes one stroke and predicts again; Clear empties the list.
  await page.click("#undo");
  await answeredFor(1);
  assert.equal(predictRequests.at(-1).strokes.length, 1, "undo sends one stroke");
  assert.equal(await candidates.count(), 5);
  await page.click("#clear");
  assert.equal(await candidates.count(), 0);
  assert.equal(await page.locator("#undo").isDisabled(), true);

  // A finger: touch events become pointer events of type "touch" on the canvas.
  const cdp = await context.newCDPSession(page);
  const touch = (type, x, y) =>
    cdp.send("Input.dispatchTouchEvent", {
      type,
      touchPoints: type === "touchEnd" ? [] : [{ x: box.x + x * box.width, y: box.y + y * box.height }],
    });
  await touch("touchStart", 0.3, 0.3);
  for (let i = 1; i <= 10; i++) await touch("touchMove", 0.3 + i * 0.04, 0.3 + i * 0.04);
  await touch("touchEnd");
  await answeredFor(1);
  report.touchPoints = predictRequests.at(-1).strokes[0].length;
  assert.ok(report.touchPoints >= 5, "the touch stroke reached the server");
  await page.keyboard.press("Escape");
  assert.equal(await candidates.count(), 0, "Esc clears");

  // Search by name.
  await page.fill("#query", query);
  await page.locator(`#found button[data-command="${expectedCommand.replaceAll("\\", "\\\\")}"]`).waitFor({ timeout: 5000 });
  report.found = await page.locator("#found button").evaluateAll((nodes) => nodes.map((node) => node.dataset.command));
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-search.png"), fullPage: true });
  assert.deepEqual(pageErrors, []);
  report.ok = true;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  console.log(JSON.stringify(report));
}
