// Self-hosted Overleaf: content scripts registered for exactly the hosts the user added and granted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scriptsFor, syncHostScripts } from '../src/background/host-scripts.js';

// The part of the browser API that syncHostScripts drives, keeping state like the browser does.
function browserWith(grantedPatterns, registered = []) {
  const scripts = new Map(registered.map((s) => [s.id, s]));
  return {
    scripts,
    permissions: { contains: async ({ origins }) => origins.every((o) => grantedPatterns.includes(o)) },
    scripting: {
      getRegisteredContentScripts: async () => [...scripts.values()],
      unregisterContentScripts: async ({ ids }) => ids.forEach((id) => scripts.delete(id)),
      registerContentScripts: async (list) =>
        list.forEach((s) => {
          if (scripts.has(s.id)) throw new Error(`duplicate script id ${s.id}`);
          scripts.set(s.id, s);
        }),
    },
  };
}

test('scriptsFor_registers_main_world_and_panel_on_project_pages', () => {
  const [main, panel] = scriptsFor(['https://latex.example.org', 'http://localhost:8080']);
  assert.deepEqual(main.matches, ['https://latex.example.org/project/*', 'http://localhost/project/*']);
  // The PDF-only window has no editor (issue 10): neither script runs there.
  assert.deepEqual(main.excludeMatches, ['https://latex.example.org/project/*/detached*', 'http://localhost/project/*/detached*']);
  assert.deepEqual(panel.excludeMatches, main.excludeMatches);
  assert.equal(main.world, 'MAIN');
  assert.equal(main.runAt, 'document_start');
  assert.deepEqual(panel.js, ['content.js']);
  assert.deepEqual(scriptsFor([]), []);
});

test('syncHostScripts_covers_only_granted_hosts_and_replaces_old_registrations', async () => {
  const api = browserWith(['https://latex.example.org/*'], [{ id: 'texsketch-host-main', matches: ['https://old.example/project/*'] }, { id: 'other-extension-script' }]);
  const result = await syncHostScripts(api, ['https://latex.example.org', 'https://not-granted.example']);
  assert.deepEqual(result.hosts, ['https://latex.example.org']);
  assert.deepEqual(api.scripts.get('texsketch-host-main').matches, ['https://latex.example.org/project/*']);
  assert.ok(api.scripts.has('other-extension-script'), 'scripts that are not ours stay');
  await syncHostScripts(api, []);
  assert.ok(!api.scripts.has('texsketch-host-main') && !api.scripts.has('texsketch-host-panel'));
});
