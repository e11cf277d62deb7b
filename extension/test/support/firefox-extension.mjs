// Real Firefox ESR (Debian's /usr/bin/firefox-esr, driven by puppeteer-core over WebDriver BiDi; no geckodriver)
// with the built extension as a temporary add-on, and the two ways the Firefox suites work its panel: the
// page-level keyboard shortcut, and the panel's own settings form (BiDi may not navigate to moz-extension://, so
// the options page cannot be opened directly).
import puppeteer from 'puppeteer-core';
import { findExtensionPage } from './firefox-pages.mjs';
import { clickInPanel, panelState, waitForPanel } from './panel-driver.mjs';
import { openPanel } from './scenario.mjs';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Firefox with `extensionDir` installed. `closeInstallPage`: wait (5 s at most) for the options page the add-on
 * opens on install and close it; Firefox may put it into a blank tab, the suite's own if opened first.
 */
export async function launchFirefoxWithExtension(
  extensionDir,
  { viewport = { width: 1100, height: 700 }, protocolTimeout = 30_000, closeInstallPage = false } = {},
) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocolTimeout,
    defaultViewport: viewport,
  });
  try {
    await browser.installExtension(extensionDir);
    if (closeInstallPage) {
      const installPage = await findExtensionPage(browser, { timeoutMs: 5_000 });
      if (installPage) await installPage.close();
    }
    return browser;
  } catch (error) {
    await browser.close().catch(() => {});
    throw error;
  }
}

/** The panel's keyboard shortcut (Alt+Shift+D), as a user opens and closes it in Firefox. */
export async function pressPanelShortcut(page) {
  await page.keyboard.down('Alt');
  await page.keyboard.down('Shift');
  await page.keyboard.press('KeyD');
  await page.keyboard.up('Shift');
  await page.keyboard.up('Alt');
}

/** Sets the recognition mode (and server URL) through the panel's settings form: the same storage as the options page. */
export async function setOptionsInPanel(session, { mode, serverUrl }) {
  const { page } = session;
  await openPanel(session);
  if (!(await panelState(page)).settingsOpen) await clickInPanel(page, '.settings-toggle');
  await waitForPanel(page, (s) => s.settingsOpen, 'the settings form');
  await page.evaluate(
    ({ mode, serverUrl }) => {
      const form = document.querySelector('#texsketch-panel-host').shadowRoot.querySelector('.settings');
      form.mode.value = mode;
      if (serverUrl) form.serverUrl.value = serverUrl;
      form.dispatchEvent(new Event('change'));
    },
    { mode, serverUrl: serverUrl ?? null },
  );
  await waitForPanel(page, (s) => s.settingsNote === 'Saved.', 'the settings to be saved');
  await clickInPanel(page, '.settings-toggle');
}
