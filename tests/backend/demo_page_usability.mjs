// Drives the demo page in real headless Chromium (playwright-core from extension/node_modules) through what a new
// user trips over (issue 13): a scribble answered "not sure" with a way out to search, keys 1-5, previews at their
// true relative size, the search count, and a phone screen where the first candidates are visible after drawing.
//   node tests/backend/demo_page_usability.mjs <server url> <desktop|phone> <screenshot.png>
// Prints one JSON report line; exits non-zero on a failed assertion.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../extension/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [url, scenario, screenshot] = process.argv.slice(2);
// Waits are bounded but generous: the tests share 2 CPU cores with training runs and other suites.
const phone = scenario === "phone";
const profile = mkdtempSync(join(tmpdir(), "texsketch-demo-usability-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  // A phone: 390 x 844 CSS pixels, touch only (pointer: coarse, no hover), like an iPhone 12-15.
  ...(phone
    ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1100, height: 820 } }),
  permissions: ["clipboard-read", "clipboard-write"],
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { scenario };
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(url);
  const box = await page.locator("#pad").boundingBox();
  const candidates = page.locator("#candidates .candidate");
  const answered = (strokeCount) =>
    page.waitForFunction((n) => {
      const list = document.getElementById("candidates");
      return list.dataset.strokes === String(n) && list.dataset.answered === document.body.dataset.requested;
    }, strokeCount, { timeout: 10000 });

  // Strokes in canvas fractions; mouse on the desktop, finger (CDP touch events) on the phone.
  const cdp = phone ? await context.newCDPSession(page) : null;
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  const stroke = async (points) => {
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
  const plus = async () => {
    await stroke([[0.2, 0.5], [0.8, 0.5]]);
    await stroke([[0.5, 0.2], [0.5, 0.8]]);
    await answered(2);
  };

  if (phone) {
    // Draw, then look: without scrolling, the first three candidates are inside the 844 px screen.
    await plus();
    report.scrollY = await page.evaluate(() => window.scrollY);
    report.bottoms = await candidates.evaluateAll((nodes) => nodes.map((n) => Math.round(n.getBoundingClientRect().bottom)));
    report.viewportHeight = page.viewportSize().height;
    assert.equal(report.scrollY, 0, "drawing does not scroll the page");
    assert.ok(report.bottoms.length === 5 && report.bottoms[2] <= report.viewportHeight, `first three on screen: ${report.bottoms}`);
    report.keyboardTipShown = await page.locator(".keyboard-tip").isVisible();
    assert.equal(report.keyboardTipShown, false, "no keyboard tips on a touch-only phone");
    await page.screenshot({ path: screenshot });
  } else {
    assert.equal(await page.locator(".keyboard-tip").isVisible(), true, "keyboard tips where there is a mouse");

    // A scribble: the top-5 stays, but the page says it is not sure and offers search.
    await stroke([[0.1, 0.2], [0.9, 0.3], [0.15, 0.6], [0.8, 0.85], [0.3, 0.1], [0.6, 0.9], [0.2, 0.85], [0.9, 0.55],
                  [0.1, 0.4], [0.7, 0.15], [0.45, 0.75]]);
    await answered(1);
    report.scribble = {
      candidates: await candidates.count(),
      notSure: await page.locator("#candidates").getAttribute("data-not-sure"),
      note: (await page.locator("#unsure").isVisible()) ? await page.locator("#unsure").innerText() : null,
      confidence: Number(await page.locator("#candidates").getAttribute("data-confidence")),
    };
    assert.equal(report.scribble.candidates, 5, "the top-5 is still shown");
    assert.equal(report.scribble.notSure, "true");
    assert.equal(report.scribble.note, "Not sure: draw it again or search.");
    await page.screenshot({ path: screenshot.replace(/\.png$/, "-not-sure.png") });

    // "None of these?" leads to search: focus in the box, every symbol listed to browse, with the count.
    await page.click("#search-instead");
    await page.locator("#found-count:not([hidden])").waitFor({ timeout: 15000 });
    report.browse = await page.locator("#found-count").innerText();
    assert.equal(await page.evaluate(() => document.activeElement.id), "query");
    assert.match(report.browse, /^24 of \d+$/);

    // A clear plus is not "not sure"; key 2 copies the second candidate, key 1 the first.
    await page.keyboard.press("Escape");
    await page.locator("body").click({ position: { x: 5, y: 5 } }); // focus out of the search box
    await page.keyboard.press("Escape");
    await plus();
    assert.equal(await page.locator("#unsure").isVisible(), false, "a plus is answered without doubt");
    const commands = await candidates.evaluateAll((nodes) => nodes.map((n) => n.dataset.command));
    report.commands = commands;
    for (const [key, index] of [["2", 1], ["1", 0]]) {
      await page.keyboard.press(key);
      await page.waitForFunction((c) => document.body.dataset.copied === c, commands[index], { timeout: 15000 });
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), commands[index]);
    }
    report.keysCopied = true;
    await page.screenshot({ path: screenshot });

    // Search: "arrow" shows how many it found and a way to see more; packages are named in full.
    await page.fill("#query", "arrow");
    await page.waitForFunction(() => document.getElementById("found").dataset.query === "arrow", null, { timeout: 15000 });
    report.arrowCount = await page.locator("#found-count").innerText();
    report.arrowFirst = await page.locator("#found button").evaluateAll((nodes) => nodes.slice(0, 3).map((n) => n.dataset.command));
    const total = Number(report.arrowCount.split(" of ")[1]);
    await page.click("#more");
    await page.waitForFunction((n) => document.querySelectorAll("#found button").length === n, Math.min(total, 72), { timeout: 15000 });
    report.afterMore = await page.locator("#found-count").innerText();
    report.truncatedBadges = await page.locator("#found .badge").evaluateAll((nodes) => nodes.filter((n) => n.scrollWidth > n.clientWidth + 1).length);
    assert.equal(report.truncatedBadges, 0, "no badge is cut");

    // LaTeX aliases: "to" finds \to, shown as the same symbol as \rightarrow.
    await page.fill("#query", "to");
    await page.waitForFunction(() => document.getElementById("found").dataset.query === "to", null, { timeout: 15000 });
    report.toRow = await page.locator('#found button[data-command="\\\\to"]').first().innerText();

    // True relative size: the ink of \sum's preview is taller than \Sigma's, "." smaller than \bullet's.
    const inkHeight = async (query, command) => {
      await page.fill("#query", query);
      const image = page.locator(`#found button[data-command="${command.replaceAll("\\", "\\\\")}"] img.preview`);
      await image.waitFor({ timeout: 15000 });
      await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await image.elementHandle());
      return image.evaluate((img) => {
        const canvas = document.createElement("canvas");
        canvas.width = img.clientWidth * 4;
        canvas.height = img.clientHeight * 4;
        const context = canvas.getContext("2d");
        context.drawImage(img, 0, 0, canvas.width, canvas.height);
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        let top = canvas.height;
        let bottom = -1;
        for (let y = 0; y < canvas.height; y++) {
          for (let x = 0; x < canvas.width; x++) {
            if (data[(y * canvas.width + x) * 4 + 3] > 64) {
              top = Math.min(top, y);
              bottom = Math.max(bottom, y);
            }
          }
        }
        return { ink: (bottom - top + 1) / 4, box: img.clientHeight };
      });
    };
    report.sizes = {
      sum: await inkHeight("\\sum", "\\sum"),
      Sigma: await inkHeight("\\Sigma", "\\Sigma"),
      period: await inkHeight(".", "."),
      bullet: await inkHeight("\\bullet", "\\bullet"),
    };
    assert.equal(report.sizes.sum.box, report.sizes.Sigma.box, "one box size for every preview");
    assert.ok(report.sizes.sum.ink > report.sizes.Sigma.ink * 1.15, `\\sum taller than \\Sigma: ${JSON.stringify(report.sizes)}`);
    assert.ok(report.sizes.bullet.ink > report.sizes.period.ink * 2, `\\bullet larger than .: ${JSON.stringify(report.sizes)}`);
    await page.fill("#query", "integral");
    await page.waitForFunction(() => document.getElementById("found").dataset.query === "integral", null, { timeout: 15000 });
    // The previews in the screenshot: wait (at most 10 s) until every image has loaded or failed.
    await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, { timeout: 10000 });
    await page.screenshot({ path: screenshot.replace(/\.png$/, "-search.png"), fullPage: true });
  }
  assert.deepEqual(pageErrors, []);
  report.ok = true;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  console.log(JSON.stringify(report));
}
