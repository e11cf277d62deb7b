// Serves the test Overleaf page: a project URL (`/project/<id>`, what the extension's content scripts match)
// with Overleaf's Content-Security-Policy (services/web/app/src/infrastructure/CSP.mjs: nonce scripts,
// strict-dynamic, no 'wasm-unsafe-eval'; the editor page adds img-src), the CodeMirror editor bundled from
// test-page/editor-src.js with Overleaf's pins, or with a newer @codemirror/view for `?view=next` (its DOM
// back-pointer is `cmTile`), and the PDF-only window at `/project/<id>/detached`.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

// Outside test/: node --test runs every script under a test/ folder, and this one needs a browser.
const PAGE = new URL('../../test-page/', import.meta.url);

export function overleafCsp(nonce) {
  return [
    `script-src 'nonce-${nonce}' 'unsafe-inline' 'strict-dynamic' https: 'report-sample'`,
    "object-src 'none'",
    "base-uri 'none'",
    "img-src 'self' data: blob:", // services/web/config/settings.defaults.js, on the editor page
  ].join('; ');
}

// `view`: 'pinned' is Overleaf's @codemirror/view 6.38.6; 'next' is 6.39.11 (npm alias @codemirror/view-next),
// the version Overleaf merged and reverted in January 2026. Every package that imports @codemirror/view gets
// the same copy, as in a real upgrade.
async function bundleEditor(view) {
  const result = await build({
    entryPoints: [new URL('editor-src.js', PAGE).pathname],
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    logLevel: 'warning',
    alias: view === 'next' ? { '@codemirror/view': '@codemirror/view-next' } : {},
  });
  return result.outputFiles[0].contents;
}

/** Start the page server on a free loopback port; resolves to {origin, projectUrl, close}. */
export async function startPageServer() {
  const bundles = { pinned: await bundleEditor('pinned'), next: null }; // next: built when first asked for
  const html = readFileSync(new URL('index.html', PAGE), 'utf8');
  const detached = readFileSync(new URL('detached.html', PAGE), 'utf8');
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const script = /^\/editor(-next)?\.js$/.exec(url.pathname);
    if (script) {
      const view = script[1] ? 'next' : 'pinned';
      bundles[view] ??= await bundleEditor(view);
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(bundles[view]);
    } else if (/^\/project\/[^/]+\/?$/.test(url.pathname) || /^\/project\/[^/]+\/detached\/?$/.test(url.pathname)) {
      const nonce = randomBytes(16).toString('base64');
      const page = url.pathname.replace(/\/$/, '').endsWith('/detached')
        ? detached
        : html.replace('__EDITOR_SCRIPT__', url.searchParams.get('view') === 'next' ? '/editor-next.js' : '/editor.js');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': overleafCsp(nonce) });
      response.end(page.replaceAll('__NONCE__', nonce));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    projectUrl: `${origin}/project/5f0c0ffee0000000000000e2e`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
