// Serves the test Overleaf page: a project URL (`/project/<id>`, what the extension's content scripts match)
// with Overleaf's Content-Security-Policy (services/web/app/src/infrastructure/CSP.mjs: nonce scripts,
// strict-dynamic, no 'wasm-unsafe-eval'), and the CodeMirror editor bundled from page/editor-src.js.
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
  ].join('; ');
}

async function bundleEditor() {
  const result = await build({
    entryPoints: [new URL('editor-src.js', PAGE).pathname],
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].contents;
}

/** Start the page server on a free loopback port; resolves to {origin, projectUrl, close}. */
export async function startPageServer() {
  const editor = await bundleEditor();
  const html = readFileSync(new URL('index.html', PAGE), 'utf8');
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (url.pathname === '/editor.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(editor);
    } else if (url.pathname.startsWith('/project/')) {
      const nonce = randomBytes(16).toString('base64');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': overleafCsp(nonce) });
      response.end(html.replaceAll('__NONCE__', nonce));
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
