// Issue 10 in real Chromium (Debian's /usr/bin/chromium driven by playwright-core) with the built extension:
// every way to Overleaf's editor and every situation where the real editor differs from a plain CodeMirror
// page (support/overleaf-cases.mjs), on the Overleaf-like test page. Recognition runs offline (the shipped
// model in the extension), so no server is needed.
import { after, before, test } from 'node:test';
import { existsSync, rmSync } from 'node:fs';
import { MODELS_DIR } from './support/backend.mjs';
import { buildForTest } from './support/extension-build.mjs';
import { startPageServer } from './support/page-server.mjs';
import { startAll } from './support/start-all.mjs';
import { launchChromiumWithExtension } from './support/chromium-extension.mjs';
import * as cases from './support/overleaf-cases.mjs';

const skip = existsSync(`${MODELS_DIR}/model.onnx`) ? false : `no model at ${MODELS_DIR}/model.onnx`;

let build;
let pageServer;
let context;
let profile;
let worker;

/** What the shared cases drive: the launch's own tab, in front. */
function sessionIn(launched) {
  return {
    page: launched.page,
    projectUrl: pageServer.projectUrl,
    togglePanel: () =>
      launched.worker.evaluate(async () => {
        const [tab] = await chrome.tabs.query({ url: 'http://127.0.0.1/project/*' });
        await globalThis.texsketch.togglePanel(tab);
      }),
  };
}

let session;

before(async () => {
  if (skip) return;
  await startAll({ build: buildForTest('chrome'), pageServer: startPageServer() }, (name, value) => {
    if (name === 'build') build = value;
    else pageServer = value;
  });
  const launched = await launchChromiumWithExtension(build.dir);
  ({ context, profile, worker } = launched);
  session = sessionIn(launched);
  await cases.useOfflineRecognition(session);
});

after(async () => {
  await context?.close();
  await pageServer?.close();
  build?.remove();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('chromium_test_page_reproduces_overleafs_exports_events_and_autocomplete', { skip }, () => cases.pageReproducesOverleaf(session));
test('chromium_inserts_through_the_unstable_store_and_the_next_enter_is_a_newline', { skip }, () => cases.viaUnstableStore(session));
test('chromium_without_store_uses_the_extensions_event_across_a_document_switch', { skip }, () =>
  cases.viaExtensionsEventAcrossDocuments(session));
test('chromium_without_captured_view_uses_findFromDOM_on_the_main_editor', { skip }, () => cases.viaFindFromDom(session));
test('chromium_without_exports_uses_cmView_of_the_main_editor_not_the_diff_viewer', { skip }, () =>
  cases.viaCmViewOnTheMainEditorOnly(session));
test('chromium_newer_codemirror_uses_cmTile', { skip }, () => cases.viaCmTileWithNewerCodeMirror(session));
test('chromium_insert_symbol_event_only_as_the_last_way', { skip }, () => cases.viaInsertSymbolEventLast(session));
test('chromium_read_only_for_a_viewer_is_refused_and_changes_nothing', { skip }, () => cases.readOnlyForAViewer(session));
test('chromium_read_only_while_saving_fails_is_refused_until_editable', { skip }, () => cases.readOnlyWhileSavingFails(session));
test('chromium_hidden_editor_for_an_image_or_several_files_is_refused', { skip }, () => cases.hiddenEditorIsRefused(session));
test('chromium_no_panel_in_the_pdf_only_detached_window', { skip }, () => cases.noPanelInThePdfOnlyWindow(session));

test('chromium_without_the_main_world_script_the_isolated_palette_event_is_the_last_resort', { skip }, async () => {
  const variant = await buildForTest('chrome', { withoutMainWorld: true });
  let launched;
  try {
    launched = await launchChromiumWithExtension(variant.dir);
    const isolated = sessionIn(launched);
    await cases.useOfflineRecognition(isolated);
    await cases.isolatedWorldLastResort(isolated);
  } finally {
    await launched?.context.close();
    if (launched) rmSync(launched.profile, { recursive: true, force: true });
    variant.remove();
  }
});
