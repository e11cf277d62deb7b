// The server's request log for the privacy checks (issue 12): an HTTP proxy on loopback in front of the real
// backend that records every request (method, path, headers, body) before forwarding it unchanged. The
// extension is pointed at the proxy, so the log is exactly what reached "the server".
import { createServer, request as httpRequest } from 'node:http';

export async function startRecordingProxy(targetUrl) {
  const target = new URL(targetUrl);
  const log = [];
  const server = createServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on('data', (chunk) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      log.push({ method: incoming.method, path: new URL(incoming.url, 'http://x').pathname, body: body.toString('utf8') });
      const forward = httpRequest(
        { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: { ...incoming.headers, host: target.host } },
        (answer) => {
          outgoing.writeHead(answer.statusCode, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => {
        outgoing.writeHead(502);
        outgoing.end();
      });
      forward.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
