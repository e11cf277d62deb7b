// Drives the demo and contribute pages in real headless Chromium (playwright-core from extension/node_modules)
// through what a new user tripped over in issue 24, and runs axe-core (extension/node_modules/axe-core) on each
// state of the pages:
//   demo: 1280 x 800; axe on the empty page, with candidates and with search results; filler candidates under
//     1 % greyed as "unlikely"; "also" lists without the answer itself, duplicates or other-mode commands; a
//     correction says "Learnt: this drawing -> ..." with an Undo that forgets it; "1 drawing", not "drawing(s)";
//     "None of these?" browses the most used symbols first; long names in the 5-column grid wrap between words;
//     "Import..." reached with Tab and opened with Enter; a wrong URL gives an HTML 404 page.
//   phone: 390 x 844, touch; the "Copied" toast covers no candidate.
//   contribute: 1280 x 800; axe; the consent box and the reason Submit is greyed are on screen; Enter after Skip
//     submits the drawing (never presses Skip again) and does nothing without a drawing; the "check symbol" badge
//     says what it means.
//   node tests/backend/new_user_pages.mjs <server url> <demo|phone|contribute> <screenshot folder>
// Prints one JSON report line; exits non-zero on a failed assertion.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../extension/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [url, scenario, screenshots] = process.argv.slice(2);
const phone = scenario === "phone";
const profile = mkdtempSync(join(tmpdir(), "texsketch-new-user-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  ...(phone
    ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1280, height: 800 } }),
  permissions: ["clipboard-read", "clipboard-write"],
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { scenario, axe: {} };
const page = context.pages()[0] ?? (await context.newPage());
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(String(error)));
// Listening from the start: Playwright turns on file chooser interception when the first listener comes, and a
// chooser opened before that is a native dialog no event reports.
const fileChoosers = [];
page.on("filechooser", (chooser) => fileChoosers.push(chooser));

/** axe-core's serious and critical violations on the page as it is now: [[rule id, nodes], ...]. */
async function axe(name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  report.axe[name] = serious.map((v) => [v.id, v.nodes.length, v.nodes[0].target.join(" ")]);
  assert.deepEqual(report.axe[name], [], `axe-core, ${name}: serious or critical violations`);
}

async function stroke(box, points) {
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  if (phone) {
    const cdp = await context.newCDPSession(page);
    const send = (type, point) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: point ? [{ x: point[0], y: point[1] }] : [] });
    await send("touchStart", at(points[0]));
    for (const point of points.slice(1)) await send("touchMove", at(point));
    await send("touchEnd", null);
    await cdp.detach();
    return;
  }
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 4 });
  await page.mouse.up();
}

const line = (x0, y0, x1, y1, n = 8) => Array.from({ length: n + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
// A filled dot, drawn as a tight spiral: the \bullet group, whose members include a text twin and a duplicate.
const dot = Array.from({ length: 120 }, (_, i) => {
  const radius = 0.1 * (1 - i / 120);
  return [0.5 + radius * Math.cos(i * 0.35), 0.5 + radius * Math.sin(i * 0.35)];
});

async function draw(strokes) {
  const box = await page.locator("#pad").boundingBox();
  await page.evaluate(() => document.getElementById("clear").click());
  for (const points of strokes) await stroke(box, points);
  await page.waitForFunction(
    (n) => {
      const list = document.getElementById("candidates");
      return list.dataset.strokes === String(n) && list.dataset.answered === document.body.dataset.requested;
    },
    strokes.length,
    { timeout: 15000 },
  );
  return page.locator("#candidates .candidate").evaluateAll((buttons) =>
    buttons.map((b) => ({
      command: b.dataset.command,
      unlikely: b.dataset.unlikely ?? null,
      score: b.querySelector(".score").firstChild.textContent,
      also: b.querySelector(".badge.also, .badge:not(.package):not(.mode):not(.unlikely)")?.textContent ?? null,
      badges: [...b.querySelectorAll(".badge")].map((badge) => badge.textContent),
    })),
  );
}

/**
 * Press Tab from the top of the page (at most `presses` times) and list the controls it never reached: every
 * visible, enabled button, link, field and checkbox must be reachable by keyboard.
 */
async function unreachableByTab(presses) {
  await page.evaluate(() => {
    window.__tabbed = new Set();
    document.addEventListener("focusin", (event) => window.__tabbed.add(event.target));
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  for (let i = 0; i < presses; i++) await page.keyboard.press("Tab");
  return page.evaluate(() =>
    [...document.querySelectorAll("button, a[href], input, select, textarea")]
      .filter((el) => !el.disabled && el.type !== "hidden" && el.getClientRects().length > 0 && !window.__tabbed.has(el))
      .map((el) => el.id || el.textContent.trim().slice(0, 30) || el.outerHTML.slice(0, 60)),
  );
}

/** Rows of the search grid whose command wraps inside a piece that would fit on one line. */
function midWordBreaks() {
  return page.locator("#found .command").evaluateAll((commands) => {
    const broken = [];
    for (const command of commands) {
      const width = command.getBoundingClientRect().width;
      for (const node of command.childNodes) {
        if (node.nodeType !== Node.TEXT_NODE || node.length < 2) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        if (range.getBoundingClientRect().width > width + 1) continue; // longer than the box: it has to break
        const tops = new Set();
        for (let i = 0; i < node.length; i++) {
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          tops.add(Math.round(range.getBoundingClientRect().top));
        }
        if (tops.size > 1) broken.push(command.textContent);
      }
    }
    return broken;
  });
}

try {
  if (scenario === "demo") {
    // A wrong URL opened in a browser: a small HTML page with the way back; fetch() still gets the JSON error.
    const wrong = await page.goto(`${url}/no-such-page`);
    report.notFound = { status: wrong.status(), type: wrong.headers()["content-type"], title: await page.title() };
    assert.equal(report.notFound.status, 404);
    assert.match(report.notFound.type, /^text\/html/);
    assert.equal(await page.locator('a[href="/"]').count(), 1, "the 404 page links to the demo page");
    await axe("not-found");
    report.notFoundJson = await page.evaluate(async () => (await fetch("/no-such-page")).json());
    assert.equal(report.notFoundJson.detail[0].type, "not_found");

    await page.goto(url);
    await page.waitForFunction(() => document.getElementById("model").textContent !== "", null, { timeout: 15000 });
    await axe("demo-empty");

    // Filler candidates: for a clear plus, the ones under 1 % are greyed and labelled, never "0%" answers.
    const plus = await draw([line(0.2, 0.5, 0.8, 0.5), line(0.5, 0.2, 0.5, 0.8)]);
    report.plus = plus;
    assert.equal(plus[0].command, "+");
    assert.equal(plus[0].unlikely, "false");
    const filler = plus.filter((c) => c.unlikely === "true");
    assert.ok(filler.length >= 1, `a plus leaves candidates under 1 %: ${JSON.stringify(plus)}`);
    for (const c of filler) {
      assert.equal(c.score, "<1%");
      assert.ok(c.badges.includes("unlikely"), JSON.stringify(c));
    }
    assert.ok(!plus.some((c) => c.score === "0%"), "no candidate presented as a 0 % answer");
    await axe("demo-candidates");
    await page.screenshot({ path: join(screenshots, "demo-page.png") });

    // "also": never the answer itself, never twice, no text-mode twin under a math answer.
    const dotted = await draw([dot]);
    report.dot = dotted.map((c) => [c.command, c.also]);
    for (const c of dotted) {
      if (!c.also) continue;
      const also = c.also.replace(/^also /, "").split(", ");
      assert.equal(new Set(also).size, also.length, `no duplicates: ${c.also}`);
      assert.ok(!also.includes(c.command), `${c.command} is not its own alternative: ${c.also}`);
    }
    const bullet = dotted.find((c) => c.command === "\\bullet");
    assert.ok(bullet, `the drawn dot is answered \\bullet among the five: ${JSON.stringify(report.dot)}`);
    assert.ok(!(bullet.also ?? "").includes("\\textbullet"), `no text-mode \\textbullet under math \\bullet: ${bullet.also}`);

    // A correction (key 3 picks a candidate that was not first) shows itself next to the candidates, with Undo.
    await draw([line(0.2, 0.5, 0.8, 0.5), line(0.5, 0.2, 0.5, 0.8)]);
    const third = await page.locator("#candidates .candidate").nth(2).getAttribute("data-command");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("3");
    await page.waitForFunction(() => document.getElementById("learnt").dataset.state === "learnt", null, { timeout: 5000 });
    report.learnt = await page.locator("#learnt").innerText();
    assert.equal(report.learnt.replace(/\s+/g, " ").trim(), `Learnt: this drawing \u2192 ${third} \u00b7 Undo`);
    assert.equal(await page.locator("#learnt").isVisible(), true);
    const learntBox = await page.locator("#learnt").boundingBox();
    assert.ok(learntBox.y + learntBox.height <= 800, `the note is on screen where the pick was made: ${JSON.stringify(learntBox)}`);
    report.personalRow = await page.locator("#personal-list li .meta").first().innerText();
    assert.match(report.personalRow, /corrections · 1 drawing$/, "a plural only where there are several");
    await axe("demo-learnt");
    await page.screenshot({ path: join(screenshots, "demo-page-learnt.png") });
    await page.click("#undo-learnt");
    await page.waitForFunction(() => document.getElementById("learnt").dataset.state === "undone", null, { timeout: 5000 });
    report.undone = await page.locator("#learnt").innerText();
    report.examplesAfterUndo = await page.evaluate(() => JSON.parse(localStorage.getItem("texsketch.personalSet")).examples.length);
    assert.equal(report.examplesAfterUndo, 0, "Undo forgets the correction");
    assert.equal(await page.locator("#personal-list li").count(), 0);

    // "None of these?": the browse list starts with the most used symbols.
    await page.click("#search-instead");
    await page.waitForFunction(() => document.getElementById("found").dataset.query === "", null, { timeout: 15000 });
    const browse = await page.evaluate(async () => (await (await fetch("/symbols?limit=24")).json()).symbols);
    report.browseFirst = browse.slice(0, 8).map((s) => [s.command, s.usage]);
    const usage = browse.map((s) => s.usage);
    assert.deepEqual(usage, [...usage].sort((a, b) => b - a), "browsing lists the most used first");
    const shown = await page.locator("#found button").evaluateAll((buttons) => buttons.slice(0, 24).map((b) => b.dataset.command));
    assert.deepEqual(shown, browse.map((s) => s.command));

    // Long names wrap between the words they are made of, in the 5-column grid.
    await page.fill("#query", "harpoon");
    await page.waitForFunction(() => document.getElementById("found").dataset.query === "harpoon", null, { timeout: 15000 });
    report.columns = await page.locator("#found li").evaluateAll((items) => new Set(items.map((i) => Math.round(i.getBoundingClientRect().left))).size);
    assert.equal(report.columns, 5);
    report.midWordBreaks = await midWordBreaks();
    assert.deepEqual(report.midWordBreaks, [], "no name breaks inside a word");
    await axe("demo-search");
    await page.screenshot({ path: join(screenshots, "demo-page-search.png"), fullPage: true });

    // Every control by keyboard: Tab reaches each one (no Undo note now: the page has a drawing and search
    // results); Tab reaches "Import...", Enter opens the file chooser.
    report.unreachable = await unreachableByTab(90);
    assert.deepEqual(report.unreachable, [], "every control reachable with Tab");
    await page.locator("#personal-export").focus();
    await page.keyboard.press("Tab");
    report.afterExport = await page.evaluate(() => document.activeElement.textContent.trim());
    assert.equal(report.afterExport, "Import…");
    await page.keyboard.press("Enter");
    for (let waited = 0; fileChoosers.length === 0 && waited < 5000; waited += 100) await page.waitForTimeout(100);
    assert.equal(fileChoosers.length, 1, "Enter on Import… opens the file chooser");
    report.importByKeyboard = true;
  } else if (phone) {
    await page.goto(url);
    const shown = await draw([line(0.2, 0.5, 0.8, 0.5), line(0.5, 0.2, 0.5, 0.8)]);
    assert.equal(shown.length, 5);
    // A finger's tap: down, about 80 ms, up (as tests/backend/contribute_page.mjs taps). Chromium sometimes makes
    // no click of the first tap after a drawn stroke (see static/contribute.js): tap again, at most 3 times.
    const first = await page.locator("#candidates .candidate").first().boundingBox();
    const cdp = await context.newCDPSession(page);
    const centre = { x: first.x + first.width / 2, y: first.y + first.height / 2 };
    for (let attempt = 0; attempt < 3 && (await page.locator("#toast").isHidden()); attempt++) {
      await page.waitForTimeout(150);
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [centre] });
      await page.waitForTimeout(80);
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      await page.waitForTimeout(500);
    }
    await page.locator("#toast:not([hidden])").waitFor({ timeout: 5000 });
    const toast = await page.locator("#toast").boundingBox();
    const rows = await page.locator("#candidates .candidate").evaluateAll((buttons) =>
      buttons.map((b) => {
        const r = b.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom };
      }),
    );
    report.toast = toast;
    report.covered = rows.map((r, i) => i + 1).filter((n) => {
      const r = rows[n - 1];
      return r.top < toast.y + toast.height && r.bottom > toast.y && r.top < 844;
    });
    assert.deepEqual(report.covered, [], `the toast covers no candidate: ${JSON.stringify(rows)}`);
    await page.screenshot({ path: join(screenshots, "demo-phone.png") });
  } else {
    await page.goto(`${url}/contribute`);
    const asked = () => page.evaluate(() => document.body.dataset.asked || "");
    await page.waitForFunction(() => (document.body.dataset.asked || "") !== "", null, { timeout: 30000 });
    await axe("contribute");

    // The reason Submit is greyed stands next to it, and the box that enables it is on screen.
    for (const selector of ["#consent", "#submit-why", "#submit"]) {
      const box = await page.locator(selector).boundingBox();
      assert.ok(box && box.y + box.height <= 800, `${selector} on a 1280 x 800 screen: ${JSON.stringify(box)}`);
    }
    report.whyBefore = await page.locator("#submit-why").innerText();
    assert.match(report.whyBefore, /Tick the box/);
    await page.click("#consent");
    report.whyTicked = await page.locator("#submit-why").innerText();
    assert.equal(report.whyTicked, "Draw the symbol first.");

    // Enter after Skip: nothing without a drawing, Submit with one; Skip is never pressed again.
    const first = await asked();
    await page.click("#skip");
    await page.waitForFunction((p) => document.body.dataset.asked && document.body.dataset.asked !== p, first, { timeout: 30000 });
    const second = await asked();
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    assert.equal(await asked(), second, "Enter without a drawing skips nothing");
    const box = await page.locator("#pad").boundingBox();
    await stroke(box, line(0.2, 0.5, 0.8, 0.5));
    await stroke(box, line(0.5, 0.2, 0.5, 0.8));
    await page.waitForFunction(() => document.body.dataset.strokes === "2");
    assert.equal(await page.locator("#submit-why").innerText(), "");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.body.dataset.sent === "1", null, { timeout: 15000 });
    report.enterSubmitted = second;
    // The same after "I don't know this symbol".
    const third = await asked();
    await page.click("#unknown");
    await page.waitForFunction((p) => document.body.dataset.asked && document.body.dataset.asked !== p, third, { timeout: 30000 });
    await stroke(box, line(0.2, 0.2, 0.8, 0.8));
    await page.waitForFunction(() => document.body.dataset.strokes === "1");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.body.dataset.sent === "2", null, { timeout: 15000 });

    // The "check symbol" badge says what it means (1 ask in 5 is one).
    for (let i = 0; i < 10 && (await page.locator("#ask-why").innerText()) !== "check symbol"; i++) {
      const before = await asked();
      await page.click("#skip");
      await page.waitForFunction((p) => document.body.dataset.asked && document.body.dataset.asked !== p, before, { timeout: 30000 });
    }
    assert.equal(await page.locator("#ask-why").innerText(), "check symbol");
    report.checkTitle = await page.locator("#ask-why").getAttribute("title");
    report.checkText = await page.locator("#ask-why-text").innerText();
    assert.match(report.checkTitle, /check/);
    assert.equal(report.checkText, report.checkTitle);
    assert.equal(await page.locator("#ask-why-text").isVisible(), true);
    await axe("contribute-ticked");
    report.unreachable = await unreachableByTab(20);
    assert.deepEqual(report.unreachable, [], "every control reachable with Tab");
    await page.screenshot({ path: join(screenshots, "contribute.png") });
  }
  assert.deepEqual(pageErrors, []);
  report.ok = true;
} catch (error) {
  console.error(JSON.stringify(report));
  throw error;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
