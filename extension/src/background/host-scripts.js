// Self-hosted Overleaf: the content scripts the manifest declares for overleaf.com are registered at run time
// for each origin the user added on the options page and granted permission for.
import { originPattern, projectPagePattern } from '../shared/settings.js';

const PREFIX = 'texsketch-host-';

export function scriptsFor(origins) {
  const matches = origins.map(projectPagePattern);
  if (matches.length === 0) return [];
  // Overleaf's PDF-only window (/project/<id>/detached) has no editor: no panel there, as in the manifest.
  const excludeMatches = matches.map((pattern) => `${pattern}/detached*`);
  const common = { matches, excludeMatches, persistAcrossSessions: true };
  return [
    { id: `${PREFIX}main`, ...common, js: ['main-world.js'], runAt: 'document_start', world: 'MAIN' },
    { id: `${PREFIX}panel`, ...common, js: ['content.js'], runAt: 'document_idle' },
  ];
}

/** Make the registered scripts match the granted origins among `hosts`; returns the origins now covered. */
export async function syncHostScripts(api, hosts) {
  const granted = [];
  for (const origin of hosts) {
    if (await api.permissions.contains({ origins: [originPattern(origin)] })) granted.push(origin);
  }
  const existing = await api.scripting.getRegisteredContentScripts();
  const ours = existing.filter((s) => s.id.startsWith(PREFIX)).map((s) => s.id);
  if (ours.length) await api.scripting.unregisterContentScripts({ ids: ours });
  const scripts = scriptsFor(granted);
  if (scripts.length) await api.scripting.registerContentScripts(scripts);
  return { hosts: granted };
}
