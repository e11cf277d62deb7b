// Options: what users type for the server and self-hosted Overleaf hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULTS,
  normalizeOverleafHost,
  normalizeServerUrl,
  originPattern,
  projectPagePattern,
  SettingsError,
  withDefaults,
} from '../src/shared/settings.js';

test('normalizeServerUrl_keeps_origin_and_path_without_trailing_slash', () => {
  assert.equal(normalizeServerUrl(' http://127.0.0.1:8000/ '), 'http://127.0.0.1:8000');
  assert.equal(normalizeServerUrl('https://tex.example.org/sketch/'), 'https://tex.example.org/sketch');
  assert.throws(() => normalizeServerUrl('127.0.0.1:8000'), SettingsError);
  assert.throws(() => normalizeServerUrl('ftp://x'), /http/);
});

test('normalizeOverleafHost_accepts_bare_host_names_and_rejects_wildcards', () => {
  assert.equal(normalizeOverleafHost('latex.example.org'), 'https://latex.example.org');
  assert.equal(normalizeOverleafHost('http://localhost:8080/project/1'), 'http://localhost:8080');
  assert.throws(() => normalizeOverleafHost('https://*.example.org'), /wildcard/);
});

test('patterns_drop_the_port_because_match_patterns_cannot_hold_one', () => {
  assert.equal(originPattern('http://localhost:8080'), 'http://localhost/*');
  assert.equal(projectPagePattern('https://latex.example.org'), 'https://latex.example.org/project/*');
});

test('withDefaults_repairs_unknown_modes', () => {
  assert.equal(withDefaults({ mode: 'telepathy' }).mode, DEFAULTS.mode);
  assert.equal(withDefaults(undefined).serverUrl, 'http://127.0.0.1:8000');
});

test('withDefaults_sendFeedback_is_off_unless_stored_as_true', () => {
  assert.equal(DEFAULTS.sendFeedback, false);
  assert.equal(withDefaults(undefined).sendFeedback, false);
  assert.equal(withDefaults({ sendFeedback: true }).sendFeedback, true);
  for (const value of ['true', 1, 'yes', {}, null]) {
    assert.equal(withDefaults({ sendFeedback: value }).sendFeedback, false, `stored ${JSON.stringify(value)}`);
  }
});
