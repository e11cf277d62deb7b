// Finding the add-on's own pages in a Firefox driven over WebDriver BiDi: puppeteer reports an extension tab's URL
// as about:blank there, so the document inside each tab is asked for its URL instead. Used by the Firefox suites to
// close the options page the add-on opens on install and to find the one the panel opens.

/** The URL of the document inside `page` ('' when the page is gone or refuses to answer). */
export function documentUrl(page) {
  return page.evaluate(() => document.URL).catch(() => '');
}

/**
 * The first tab of `browser` showing one of the add-on's pages (a moz-extension:// URL containing `path`), polling
 * every 100 ms for at most `timeoutMs`; null when none shows up in time.
 */
export async function findExtensionPage(browser, { path = '', timeoutMs = 0 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const candidate of await browser.pages()) {
      const url = await documentUrl(candidate);
      if (url.startsWith('moz-extension://') && url.includes(path)) return candidate;
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
