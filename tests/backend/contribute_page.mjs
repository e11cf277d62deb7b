// Drives the contribute page (/contribute) in real headless Chromium (playwright-core from extension/node_modules):
// desktop: tick the box, draw and submit three symbols with the mouse, Skip and "I don't know this symbol" once;
// phone: 390 x 844, touch only, draw with a finger (CDP touch events) and submit, everything on screen.
//   node tests/backend/contribute_page.mjs <server url> <desktop|phone> <screenshot.png>
// Prints one JSON report line; exits non-zero on a failed assertion.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../extension/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [url, scenario, screenshot] = process.argv.slice(2);
const phone = scenario === "phone";
const profile = mkdtempSync(join(tmpdir(), "texsketch-contribute-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  ...(phone
    ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1100, height: 820 } }),
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { scenario, submitted: [] };
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`${url}/contribute`);
  const asked = () => page.evaluate(() => document.body.dataset.asked || "");
  const askedOtherThan = (previous) =>
    page.waitForFunction((p) => (document.body.dataset.asked || "") !== "" && document.body.dataset.asked !== p, previous, {
      timeout: 30000,
    });
  await page.waitForFunction(() => (document.body.dataset.asked || "") !== "", null, { timeout: 30000 });
  const cdp = phone ? await context.newCDPSession(page) : null;
  let box = null;
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  const stroke = async (points) => {
    // Measured before every stroke: pressing a button below may have scrolled the page.
    await page.locator("#pad").scrollIntoViewIfNeeded();
    box = await page.locator("#pad").boundingBox();
    if (phone) {
      const send = (type, point) =>
        cdp.send("Input.dispatchTouchEvent", { type, touchPoints: point ? [{ x: point[0], y: point[1] }] : [] });
      await send("touchStart", at(points[0]));
      for (let i = 1; i < points.length; i++) {
        const [a, b] = [points[i - 1], points[i]];
        for (let s = 1; s <= 6; s++) await send("touchMove", at([a[0] + ((b[0] - a[0]) * s) / 6, a[1] + ((b[1] - a[1]) * s) / 6]));
      }
      await send("touchEnd", null);
    } else {
      await page.mouse.move(...at(points[0]));
      await page.mouse.down();
      for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 6 });
      await page.mouse.up();
    }
  };
  const press = async (selector) => {
    if (!phone) return page.locator(selector).click();
    // A finger's tap: down, about 80 ms, up (Playwright's tap() lifts at once, and Chromium then swallowed about
    // 1 click in 3 after a drawn stroke, which no hand does).
    await page.locator(selector).scrollIntoViewIfNeeded();
    const button = await page.locator(selector).boundingBox();
    const centre = { x: button.x + button.width / 2, y: button.y + button.height / 2 };
    await page.waitForTimeout(150);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [centre] });
    await page.waitForTimeout(80);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  };

  // Nothing can be sent before the box is ticked.
  await stroke([[0.2, 0.5], [0.8, 0.5]]);
  await page.waitForFunction(() => document.body.dataset.strokes === "1");
  assert.equal(await page.locator("#submit").isDisabled(), true, "Submit waits for the consent box");
  await press("#consent");
  report.consentChecked = await page.locator("#consent").isChecked();
  await page.waitForFunction(() => !document.getElementById("submit").disabled, null, { timeout: 5000 });
  report.storedText = await page.locator("#stored").innerText();

  const drawings = phone
    ? [[[[0.2, 0.5], [0.8, 0.5]], [[0.5, 0.2], [0.5, 0.8]]]]
    : [
        [[[0.2, 0.5], [0.8, 0.5]], [[0.5, 0.2], [0.5, 0.8]]],
        [[[0.2, 0.2], [0.8, 0.8]], [[0.8, 0.2], [0.2, 0.8]]],
        [[[0.3, 0.2], [0.7, 0.5], [0.3, 0.8]]],
      ];
  for (const [index, drawing] of drawings.entries()) {
    const symbol = await asked();
    if (index > 0) for (const points of drawing) await stroke(points);
    else await stroke(drawing[1]); // the first drawing already has its first stroke
    await page.waitForFunction((n) => document.body.dataset.strokes === String(n), index > 0 ? drawing.length : 2);
    await press("#submit");
    await page.waitForFunction((n) => document.body.dataset.sent === String(n), index + 1, { timeout: 30000 });
    await askedOtherThan(symbol);
    report.submitted.push(symbol);
  }
  assert.equal(await page.locator("#sent").innerText(), `${drawings.length} sent`);

  if (!phone) {
    // Skip and "I don't know this symbol" are one click each; the unknown one is remembered in this browser only.
    const skipped = await asked();
    await press("#skip");
    await askedOtherThan(skipped);
    const unknownId = await asked();
    await press("#unknown");
    await askedOtherThan(unknownId);
    report.skipped = skipped;
    report.unknown = unknownId;
    report.rememberedUnknown = await page.evaluate(() => JSON.parse(localStorage.getItem("texsketch.contribute.unknown")));
    assert.deepEqual(report.rememberedUnknown, [unknownId]);
  } else {
    // Phone: the symbol, the drawing area and the buttons fit the 390 x 844 screen without scrolling sideways.
    report.viewport = page.viewportSize();
    report.scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    report.bottoms = {};
    for (const selector of ["#ask-preview", "#pad", "#submit", "#skip", "#unknown"]) {
      const rect = await page.locator(selector).boundingBox();
      report.bottoms[selector] = Math.round(rect.y + rect.height);
    }
    report.padSize = [Math.round(box.width), Math.round(box.height)];
    report.previewSize = await page.locator("#ask-preview img").evaluate((img) => [img.width, img.height]).catch(() => null);
    await page.screenshot({ path: screenshot });
  }
  if (!phone) await page.screenshot({ path: screenshot });
  assert.deepEqual(pageErrors, []);
  report.ok = true;
} catch (error) {
  const page = context.pages()[0];
  report.pageState = await page
    .evaluate(() => ({ ...document.body.dataset, status: document.getElementById("status").textContent }))
    .catch(() => null);
  console.error(JSON.stringify(report)); // how far it got, next to the failure
  throw error;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
