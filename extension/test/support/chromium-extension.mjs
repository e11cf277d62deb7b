// Real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) with one unpacked extension in its own
// profile: the launch every Chromium end-to-end suite shares.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// How long a first install may take to open its options page before we go on without it.
const INSTALL_PAGE_WAIT_MS = 15_000;

/**
 * Resolves to {context, worker, extensionId, profile, page} once the extension's service worker runs. `page` is a
 * blank tab of the caller's own, in front, opened after the options page a first install shows (which would
 * otherwise take over whatever tab is blank at that moment and interrupt its navigation) and with every other tab
 * closed (a background tab gets no frames, and Chromium then holds each input event about a second). The caller
 * closes `context` and removes `profile` (a fresh temporary folder unless `profileDir` names one); if the launch
 * fails, this cleans up itself.
 */
export async function launchChromiumWithExtension(
  extensionDir,
  { viewport = { width: 1100, height: 700 }, acceptDownloads = false, profileDir } = {},
) {
  const profile = profileDir ?? mkdtempSync(join(tmpdir(), 'texsketch-chromium-profile-'));
  const firstInstall = !existsSync(profile) || readdirSync(profile).length === 0;
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: false, // --headless=new below: extensions load in Chromium's new headless mode
      ignoreDefaultArgs: ['--disable-extensions'],
      viewport,
      acceptDownloads,
      args: [
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const extensionId = new URL(worker.url()).host;
    if (firstInstall) await waitForPage(context, `chrome-extension://${extensionId}/options/options.html`);
    const page = await context.newPage();
    for (const other of context.pages()) if (other !== page) await other.close();
    await page.bringToFront();
    return { context, worker, extensionId, profile, page };
  } catch (error) {
    await context?.close().catch(() => {});
    if (!profileDir) rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Waits, at most INSTALL_PAGE_WAIT_MS, until some tab shows `url`; going on without it is harmless. */
async function waitForPage(context, url) {
  const deadline = Date.now() + INSTALL_PAGE_WAIT_MS;
  while (Date.now() < deadline) {
    if (context.pages().some((page) => page.url() === url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
