// The demo page's personal examples (issue 12) in real headless Chromium against the real server:
// a correction from place 3 answers first next time; a personal symbol taught with three drawings appears and
// copies its snippet; export and import round-trip; nothing personal reaches the server. Run by
// test_demo_personal.py:  node tests/backend/demo_personal.mjs <server url> <download dir>
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../extension/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const fixtures = JSON.parse(
  readFileSync(new URL("../../extension/test/fixtures/crohme-drawings.json", import.meta.url), "utf8"),
).samples;

const [url, downloads] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "texsketch-demo-personal-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1100, height: 1400 },
  acceptDownloads: true,
  permissions: ["clipboard-read", "clipboard-write"],
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = {};
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  const requests = [];
  page.on("request", (request) => requests.push({ path: new URL(request.url()).pathname, body: request.postData() }));
  await page.goto(url);
  await page.waitForFunction(() => Boolean(window.texsketchPersonal));
  const box = await page.locator("#pad").boundingBox();

  /** Draw fixture `index` scaled into the canvas with the mouse; resolves to the commands and ids shown. */
  async function draw(index) {
    if (!(await page.locator("#clear").isDisabled())) await page.click("#clear");
    const strokes = fixtures[index].strokes;
    const points = strokes.flat();
    const [minX, maxX] = [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];
    const [minY, maxY] = [Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[1]))];
    const scale = Math.min((box.width - 80) / Math.max(maxX - minX, 1e-9), (box.height - 80) / Math.max(maxY - minY, 1e-9));
    for (const stroke of strokes) {
      const at = ([x, y]) => [box.x + 40 + (x - minX) * scale, box.y + 40 + (y - minY) * scale];
      await page.mouse.move(...at(stroke[0]));
      await page.mouse.down();
      for (const point of stroke.slice(1)) await page.mouse.move(...at(point));
      await page.mouse.up();
    }
    await page.waitForFunction((n) => {
      const list = document.getElementById("candidates");
      return list.dataset.strokes === String(n) && list.dataset.answered === document.body.dataset.requested;
    }, strokes.length, { timeout: 10000 });
    return page.locator("#candidates .candidate").evaluateAll((nodes) => nodes.map((n) => n.dataset.command));
  }

  // 1. A correction: first answer B, pick A from place 3; the same drawing again answers A first.
  const first = await draw(3);
  assert.equal(first.length, 5);
  report.before = first;
  await page.locator("#candidates .candidate").nth(2).click();
  await page.waitForFunction(() => document.getElementById("personal").dataset.examples === "1");
  const again = await draw(3);
  report.after = again;
  assert.equal(again[0], first[2], `${first[2]} first after picking it from place 3`);

  // 2. A personal symbol from three drawings: it becomes a candidate and copies its snippet.
  await page.fill("#teach input[name=snippet]", "\\R");
  for (let i = 1; i <= 3; i++) {
    await draw(5);
    await page.click("#teach button[type=submit]");
    if (i < 3) await page.waitForFunction((n) => document.getElementById("teach").dataset.kept === String(n), i);
  }
  await page.waitForFunction(() => document.getElementById("personal").dataset.examples === "4");
  const taught = await draw(5);
  report.taught = taught;
  assert.ok(taught.includes("\\R"), `\\R among ${taught}`);
  await page.locator('#candidates .candidate[data-command="\\\\R"]').click();
  await page.waitForFunction(() => document.body.dataset.copied === "\\R");

  // 3. Export, forget everything, import: the same set, and \R is a candidate again.
  const downloaded = page.waitForEvent("download");
  await page.click("#personal-export");
  const file = join(downloads, "texsketch-personal.json");
  await (await downloaded).saveAs(file);
  const exported = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(exported.format, "texsketch-personal-set");
  assert.equal(exported.examples.length, 4);
  await page.evaluate(() => localStorage.removeItem("texsketch.personalSet"));
  await page.reload();
  await page.waitForFunction(() => document.getElementById("personal").dataset.examples === "0");
  assert.ok(!(await draw(5)).includes("\\R"), "forgotten after clearing the storage");
  await page.setInputFiles("#personal-import", file);
  await page.waitForFunction(() => document.getElementById("personal").dataset.examples === "4");
  report.rows = await page.locator("#personal-list li code").evaluateAll((nodes) => nodes.map((n) => n.textContent));
  assert.equal((await draw(5))[0], "\\R");
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("texsketch.personalSet")));
  assert.deepEqual(stored, exported, "import restores exactly what was exported");
  // A broken file changes nothing and says why.
  const broken = join(downloads, "broken.json");
  (await import("node:fs")).writeFileSync(broken, JSON.stringify({ ...exported, version: 9 }));
  await page.setInputFiles("#personal-import", broken);
  await page.waitForFunction(() => /Nothing imported|version/.test(document.getElementById("personal-status").textContent));
  assert.equal(await page.evaluate(() => document.getElementById("personal").dataset.examples), "4");

  // 4. Privacy: with the feedback switch off, the server saw only /predict bodies of {strokes, k, embedding}.
  const posted = requests.filter((r) => r.body);
  report.posted = [...new Set(posted.map((r) => r.path))];
  assert.deepEqual(report.posted, ["/predict"]);
  for (const r of posted) {
    assert.deepEqual(Object.keys(JSON.parse(r.body)).sort(), ["embedding", "k", "strokes"]);
    assert.ok(!r.body.includes("\\\\R") && !r.body.includes("texsketch-personal-set"));
  }
  // The blend's dot products ran on WebAssembly SIMD in this page (the JavaScript loop is only a fallback).
  report.simd = await page.evaluate(async () => (await import("/personal/integer-dots.js")).simdKernel() !== null);
  assert.deepEqual(pageErrors, []);
  report.ok = true;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  console.log(JSON.stringify(report));
}
