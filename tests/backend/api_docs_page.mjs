// /docs (Swagger UI) and /redoc (ReDoc) in real headless Chromium with every request to another origin
// blocked, as on a machine without internet. Run by test_api_docs.py:
//   node tests/backend/api_docs_page.mjs <server url> <screenshot folder>
// Prints one JSON line: operations rendered by each page, requests blocked, page errors.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../../extension/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [url, screenshots] = process.argv.slice(2);
const origin = new URL(url).origin;
const profile = mkdtempSync(join(tmpdir(), "texsketch-docs-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { blocked: [], errors: [] };
try {
  await context.route("**/*", (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue();
    report.blocked.push(route.request().url());
    return route.abort("internetdisconnected");
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => report.errors.push(String(error)));

  await page.goto(`${url}/docs`);
  await page.locator(".swagger-ui .opblock").first().waitFor({ timeout: 30000 });
  report.swaggerOperations = await page.locator(".swagger-ui .opblock").count();
  report.swaggerTitle = await page.locator(".swagger-ui .title").first().innerText();
  await page.screenshot({ path: join(screenshots, "docs.png") });

  await page.goto(`${url}/redoc`);
  // ReDoc renders each operation as a section with its summary as heading.
  await page.locator("h2", { hasText: "Recognise a drawing" }).first().waitFor({ timeout: 30000 });
  await page.waitForLoadState("networkidle", { timeout: 10000 }); // the logo is asked for after the first render
  report.redocOperations = await page.locator("[data-section-id*='operation/']").count();
  await page.screenshot({ path: join(screenshots, "redoc.png") });
  report.favicon = (await page.request.get(`${url}/favicon.ico`)).status();
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
