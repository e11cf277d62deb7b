// Real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) with one unpacked extension in its own
// profile: the launch every Chromium end-to-end suite shares.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Resolves to {context, worker, extensionId, profile} once the extension's service worker runs. The caller
 * closes `context` and removes `profile` (a fresh temporary folder unless `profileDir` names one); if the launch
 * fails, this cleans up itself.
 */
export async function launchChromiumWithExtension(
  extensionDir,
  { viewport = { width: 1100, height: 700 }, acceptDownloads = false, profileDir } = {},
) {
  const profile = profileDir ?? mkdtempSync(join(tmpdir(), 'texsketch-chromium-profile-'));
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
    return { context, worker, extensionId: new URL(worker.url()).host, profile };
  } catch (error) {
    await context?.close().catch(() => {});
    if (!profileDir) rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
