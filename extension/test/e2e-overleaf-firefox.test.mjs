// Issue 10 in real Firefox ESR (Debian's /usr/bin/firefox-esr driven by puppeteer-core over WebDriver BiDi)
// with the built extension as a temporary add-on: the same cases as e2e-overleaf-chromium.test.mjs
// (support/overleaf-cases.mjs). The panel is opened with its keyboard shortcut.
import { after, before, test } from 'node:test';
import { existsSync } from 'node:fs';
import { MODELS_DIR } from './support/backend.mjs';
import { buildForTest } from './support/extension-build.mjs';
import { startPageServer } from './support/page-server.mjs';
import { startAll } from './support/start-all.mjs';
import { launchFirefoxWithExtension, pressPanelShortcut } from './support/firefox-extension.mjs';
import * as cases from './support/overleaf-cases.mjs';

const skip = existsSync(`${MODELS_DIR}/model.onnx`) ? false : `no model at ${MODELS_DIR}/model.onnx`;

let build;
let pageServer;
let browser;
let session;

/** Firefox with one temporary add-on; resolves to {browser, session} for the shared cases. */
async function launchWith(extensionDir) {
  const launched = await launchFirefoxWithExtension(extensionDir, {
    // starting a second Firefox (the isolated-world case) on a loaded 2-core machine took over 30 s
    protocolTimeout: 90_000,
    closeInstallPage: true,
  });
  const page = await launched.newPage();
  return {
    browser: launched,
    session: {
      page,
      projectUrl: pageServer.projectUrl,
      togglePanel: () => pressPanelShortcut(page),
    },
  };
}

before(async () => {
  if (skip) return;
  await startAll({ build: buildForTest('firefox'), pageServer: startPageServer() }, (name, value) => {
    if (name === 'build') build = value;
    else pageServer = value;
  });
  ({ browser, session } = await launchWith(build.dir));
  await cases.useOfflineRecognition(session);
});

after(async () => {
  await browser?.close();
  await pageServer?.close();
  build?.remove();
});

test('firefox_test_page_reproduces_overleafs_exports_events_and_autocomplete', { skip }, () => cases.pageReproducesOverleaf(session));
test('firefox_inserts_through_the_unstable_store_and_the_next_enter_is_a_newline', { skip }, () => cases.viaUnstableStore(session));
test('firefox_without_store_uses_the_extensions_event_across_a_document_switch', { skip }, () =>
  cases.viaExtensionsEventAcrossDocuments(session));
test('firefox_without_captured_view_uses_findFromDOM_on_the_main_editor', { skip }, () => cases.viaFindFromDom(session));
test('firefox_without_exports_uses_cmView_of_the_main_editor_not_the_diff_viewer', { skip }, () =>
  cases.viaCmViewOnTheMainEditorOnly(session));
test('firefox_newer_codemirror_uses_cmTile', { skip }, () => cases.viaCmTileWithNewerCodeMirror(session));
test('firefox_insert_symbol_event_only_as_the_last_way', { skip }, () => cases.viaInsertSymbolEventLast(session));
test('firefox_read_only_for_a_viewer_is_refused_and_changes_nothing', { skip }, () => cases.readOnlyForAViewer(session));
test('firefox_read_only_while_saving_fails_is_refused_until_editable', { skip }, () => cases.readOnlyWhileSavingFails(session));
test('firefox_hidden_editor_for_an_image_or_several_files_is_refused', { skip }, () => cases.hiddenEditorIsRefused(session));
test('firefox_no_panel_in_the_pdf_only_detached_window', { skip }, () => cases.noPanelInThePdfOnlyWindow(session));

test('firefox_without_the_main_world_script_the_isolated_palette_event_is_the_last_resort', { skip }, async () => {
  const variant = await buildForTest('firefox', { withoutMainWorld: true });
  let launched;
  try {
    launched = await launchWith(variant.dir);
    await cases.useOfflineRecognition(launched.session);
    await cases.isolatedWorldLastResort(launched.session);
  } finally {
    await launched?.browser.close();
    variant.remove();
  }
});
