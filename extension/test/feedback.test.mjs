// Opt-in feedback: a pick sent from the background (router + FeedbackSender, the modules the background bundles)
// to a real HTTP server in this test that records every request and answers like backend/feedback/routes.py.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRouter } from '../src/background/router.js';
import { FeedbackSender, MAX_RETRY_WAIT_MS, retryDelayMs } from '../src/background/feedback-sender.js';
import { FEEDBACK, parseFeedback } from '../src/shared/messages.js';
import { withDefaults } from '../src/shared/settings.js';
import { backendMissing, startBackend } from './support/backend.mjs';
import { crohmeDrawings } from './support/fixtures.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CLIENT = 'extension/0.1.0';

let server;
let serverUrl;
let requests; // {method, url, headers, body, at}
let answers; // statuses to answer, in order; 201 once they run out

before(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text || 'null');
      requests.push({ method: req.method, url: req.url, headers: req.headers, body, at: Date.now() });
      const status = answers.shift() ?? 201;
      const headers = { 'content-type': 'application/json' };
      if (status === 503) headers['retry-after'] = '1';
      res.writeHead(status, headers);
      res.end(JSON.stringify(status === 503 ? { detail: [] } : { id: requests.length }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  requests = [];
  answers = [];
});

let drawingCount = 0;
function pickMessage(overrides = {}) {
  drawingCount += 1;
  return {
    type: FEEDBACK,
    drawingId: `drawing-${drawingCount}`,
    strokes: [[[0, 0, 0], [10, 12.5, 16]], [[3, 4]]],
    chosenId: 'latex2e-OT1-_alpha',
    shown: ['latex2e-OT1-_propto', 'latex2e-OT1-_alpha', 'latex2e-OT1-_infty'],
    modelVersion: '2026.11.22-test',
    ...overrides,
  };
}

function routerWith(stored) {
  const logged = [];
  const feedback = new FeedbackSender({
    settings: async () => withDefaults(stored),
    client: CLIENT,
    log: (...args) => logged.push(args.join(' ')),
  });
  return { route: createRouter({ recognition: null, feedback }), logged };
}

test('feedback_is_not_sent_with_default_settings', async () => {
  const { route } = routerWith({ mode: 'server', serverUrl });
  const answer = await route(pickMessage());
  assert.deepEqual(answer, { ok: true, sent: false, reason: 'switched off' });
  assert.equal(requests.length, 0);
});

test('feedback_switched_on_posts_the_pick_once_with_an_idempotency_key', async () => {
  const { route } = routerWith({ mode: 'server', serverUrl, sendFeedback: true });
  const message = pickMessage();
  const answer = await route(message);
  assert.deepEqual(answer, { ok: true, sent: true, id: 1, status: 201 });
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.method, 'POST');
  assert.equal(request.url, '/feedback');
  assert.equal(request.headers['content-type'], 'application/json');
  assert.match(request.headers['idempotency-key'], UUID);
  assert.deepEqual(request.body, {
    strokes: message.strokes,
    chosen_id: message.chosenId,
    shown: message.shown,
    model_version: message.modelVersion,
    client: CLIENT,
  });
  // Nothing that could identify the user travels in the request.
  assert.equal(request.headers.cookie, undefined);
});

test('feedback_second_pick_on_the_same_drawing_is_not_sent', async () => {
  const { route } = routerWith({ mode: 'auto', serverUrl, sendFeedback: true });
  const first = pickMessage();
  const second = { ...first, chosenId: 'latex2e-OT1-_infty' };
  const answers = await Promise.all([route(first), route(second)]); // a double click: both before any answer
  assert.equal(answers.filter((a) => a.sent).length, 1, JSON.stringify(answers));
  assert.equal((await route(second)).reason, 'this drawing was sent already');
  assert.equal(requests.length, 1);
  // The next drawing is a new label.
  assert.equal((await route(pickMessage())).sent, true);
  assert.equal(requests.length, 2);
});

test('feedback_503_is_retried_once_after_retry_after_with_the_same_key', async () => {
  answers = [503];
  const { route } = routerWith({ mode: 'server', serverUrl, sendFeedback: true });
  const answer = await route(pickMessage());
  assert.equal(answer.sent, true, JSON.stringify(answer));
  assert.equal(requests.length, 2);
  assert.equal(requests[0].headers['idempotency-key'], requests[1].headers['idempotency-key']);
  assert.deepEqual(requests[0].body, requests[1].body);
  const waited = requests[1].at - requests[0].at;
  assert.ok(waited >= 900 && waited < MAX_RETRY_WAIT_MS, `waited ${waited} ms for Retry-After: 1`);
});

test('feedback_two_503s_give_up_quietly_after_one_retry', async () => {
  answers = [503, 503];
  const { route, logged } = routerWith({ mode: 'server', serverUrl, sendFeedback: true });
  const answer = await route(pickMessage());
  assert.equal(answer.ok, true);
  assert.equal(answer.sent, false);
  assert.match(answer.reason, /answered 503/);
  assert.equal(requests.length, 2);
  assert.equal(logged.length, 1);
});

test('feedback_422_and_unreachable_servers_fail_silently', async () => {
  answers = [422];
  const { route } = routerWith({ mode: 'server', serverUrl, sendFeedback: true });
  const refused = await route(pickMessage());
  assert.deepEqual([refused.ok, refused.sent], [true, false]);
  assert.match(refused.reason, /answered 422/);
  const closed = routerWith({ mode: 'server', serverUrl: 'http://127.0.0.1:9', sendFeedback: true });
  const unreachable = await closed.route(pickMessage());
  assert.deepEqual([unreachable.ok, unreachable.sent], [true, false]);
  assert.match(closed.logged[0], /127\.0\.0\.1:9\/feedback/);
});

test('feedback_offline_mode_sends_nothing_even_when_switched_on', async () => {
  const { route } = routerWith({ mode: 'offline', serverUrl, sendFeedback: true });
  assert.equal((await route(pickMessage())).sent, false);
  assert.equal(requests.length, 0);
});

test('parseFeedback_names_the_bad_field', () => {
  const good = pickMessage();
  assert.throws(() => parseFeedback({ ...good, strokes: [] }), /strokes: the drawing has no strokes/);
  assert.throws(() => parseFeedback({ ...good, chosenId: '' }), /chosenId/);
  assert.throws(() => parseFeedback({ ...good, drawingId: 3 }), /drawingId/);
  assert.throws(() => parseFeedback({ ...good, shown: ['a', 7] }), /shown\[1\]/);
  assert.equal(parseFeedback({ ...good, modelVersion: null }).modelVersion, 'unknown');
});

test('router_refuses_a_malformed_feedback_message_without_sending', async () => {
  const { route } = routerWith({ mode: 'server', serverUrl, sendFeedback: true });
  const answer = await route({ ...pickMessage(), shown: 'x' });
  assert.deepEqual([answer.ok, answer.kind], [false, 'bad-message']);
  assert.equal(requests.length, 0);
});

test('retryDelayMs_reads_seconds_and_dates_and_caps_the_wait', () => {
  assert.equal(retryDelayMs('1'), 1000);
  assert.equal(retryDelayMs('3600'), MAX_RETRY_WAIT_MS);
  assert.equal(retryDelayMs(null), 1000);
  const now = Date.parse('2026-11-22T20:00:00Z');
  assert.equal(retryDelayMs('Sun, 22 Nov 2026 20:00:02 GMT', now), 2000);
  assert.equal(retryDelayMs('Sun, 22 Nov 2026 19:00:00 GMT', now), 0);
});

// The same sender against the real `python -m backend` (its feedback database: a temporary SQLite file).
describe('with the real backend', { skip: backendMissing() ?? false }, () => {
  let backend;
  before(async () => {
    backend = await startBackend();
  });
  after(() => backend?.stop());

  test('feedback_real_backend_stores_one_row_for_two_picks_of_one_drawing', async () => {
    const { strokes } = crohmeDrawings()[1];
    const response = await fetch(`${backend.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ strokes, k: 5 }),
    });
    const predicted = await response.json();
    const shown = predicted.predictions.map((p) => p.id);
    const { route } = routerWith({ mode: 'server', serverUrl: backend.url, sendFeedback: true });
    const pick = pickMessage({ strokes, chosenId: shown[1], shown, modelVersion: predicted.model.version });
    const first = await route(pick);
    assert.deepEqual([first.sent, first.status], [true, 201], JSON.stringify(first));
    assert.equal((await route({ ...pick, chosenId: shown[0] })).sent, false);
    const stats = await (await fetch(`${backend.url}/feedback/stats`)).json();
    assert.equal(stats.total, 1);
    assert.deepEqual(stats.per_symbol, [{ id: shown[1], count: 1 }]);
    assert.deepEqual(stats.chosen_rank, { 2: 1 });
  });
});
