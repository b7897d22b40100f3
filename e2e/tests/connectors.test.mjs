// Connectors → Website widget, as an admin uses it: the saved settings load into the form, the
// preview follows every keystroke before anything is saved, a bad origin is refused with the
// server's words under its line and nothing is stored, a good save reaches the server and the
// visitors' widget (title, colour, corner, pre-chat form), and the embed snippet copies to the
// clipboard. An agent is told the page is for admins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMember, api, screenshotPath, signedInOn } from './support.mjs';
import { chatFrame, embedSnippet, useWorld, visitor } from './widget-support.mjs';

const world = useWorld();

/** The owner on Connectors, with the saved settings loaded into the form. */
async function ownerOnConnectors({ theme = 'light' } = {}) {
  const page = await signedInOn(world.chrome.browser, world.server, '/connectors', { theme });
  await page.getByTestId('widget-settings').waitFor();
  return page;
}

async function storedSettings() {
  const got = await api(world.server, 'GET', '/api/v1/settings/widget', { token: world.owner.token });
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body;
}

test('the preview follows the form before saving; a bad origin is refused under its line and nothing is stored', async () => {
  const page = await ownerOnConnectors();
  const before = await storedSettings();
  assert.equal(await page.getByTestId('widget-title').inputValue(), before.title);
  assert.equal(await page.getByTestId('widget-dirty').innerText(), 'All changes saved.');

  await page.getByTestId('widget-title').fill('Ask Northwind');
  await page.getByTestId('preview-title').filter({ hasText: 'Ask Northwind' }).waitFor();
  await page.getByTestId('widget-greeting').fill('Morning! Beans, brewing, delivery: ask away.');
  await page.getByTestId('preview-greeting').filter({ hasText: 'Morning! Beans' }).waitFor();
  await page.getByTestId('widget-accent').fill('#0f766e');
  const previewAccent = await page.getByTestId('preview-launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(previewAccent, 'rgb(15, 118, 110)');
  assert.equal(await page.getByTestId('widget-accent-well').inputValue(), '#0f766e');
  await page.locator('label.segment', { hasText: 'Bottom left' }).click();
  assert.ok(await page.getByTestId('widget-position-left').isChecked());
  const box = await page.getByTestId('preview-launcher').boundingBox();
  const frame = await page.getByTestId('widget-preview').boundingBox();
  assert.ok(box.x - frame.x < frame.width / 2, 'the preview launcher moved to the left');
  assert.equal(await page.getByTestId('widget-dirty').innerText(), 'You have unsaved changes.');

  await page.getByTestId('widget-origins').fill(`${world.site.url}\nshop.example/path`);
  await page.getByTestId('widget-save').click();
  await page.getByText('Line 2: must be an origin like https://shop.example (scheme and host, no path)').waitFor();
  await page.getByTestId('widget-settings-error').waitFor();
  assert.deepEqual(await storedSettings(), before, 'a refused save stores nothing');

  // Discard puts every control back to what is saved.
  await page.getByTestId('widget-discard').click();
  assert.equal(await page.getByTestId('widget-title').inputValue(), before.title);
  await page.getByTestId('preview-title').filter({ hasText: before.title }).waitFor();
  assert.equal(await page.getByTestId('widget-dirty').innerText(), 'All changes saved.');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('saved settings reach the server and the visitors’ widget', async () => {
  const page = await ownerOnConnectors();
  await page.getByTestId('widget-title').fill('  Ask Northwind  ');
  await page.getByTestId('widget-accent').fill('#0F766E');
  await page.locator('label.segment', { hasText: 'Bottom left' }).click();
  assert.ok(await page.getByTestId('widget-position-left').isChecked());
  await page.getByTestId('widget-prechat').check();
  await page.getByTestId('widget-prechat-email').selectOption('required');
  await page.getByTestId('widget-prechat-name').selectOption('optional');
  await page.getByRole('button', { name: 'Pre-chat form' }).click();
  await page.getByTestId('preview-prechat').getByText('Name (optional)').waitFor();
  await page.getByTestId('widget-origins').fill(`${world.site.url.toUpperCase().replace('HTTP://', 'http://')}/`);
  await page.getByTestId('widget-save').click();
  await page.getByText('Widget settings saved.').waitFor();
  assert.equal(await page.getByTestId('widget-dirty').innerText(), 'All changes saved.');
  // What the server cleaned (trimmed title, lower-case colour and origin) is what the form shows.
  assert.equal(await page.getByTestId('widget-title').inputValue(), 'Ask Northwind');
  assert.equal(await page.getByTestId('widget-origins').inputValue(), world.site.url);

  const stored = await storedSettings();
  assert.equal(stored.title, 'Ask Northwind');
  assert.equal(stored.accent_color, '#0f766e');
  assert.equal(stored.position, 'bottom_left');
  assert.deepEqual(stored.prechat, { enabled: true, name: 'optional', email: 'required', phone: 'off' });
  assert.deepEqual(stored.allowed_origins, [world.site.url]);

  // A reload shows the saved settings.
  await page.reload();
  await page.getByTestId('widget-settings').waitFor();
  assert.equal(await page.getByTestId('widget-title').inputValue(), 'Ask Northwind');
  assert.equal(await page.getByTestId('widget-prechat-email').inputValue(), 'required');
  assert.ok(await page.getByTestId('widget-position-left').isChecked());

  // The visitor's widget, on the allowed site: left corner, the colour, the title, the form.
  const shopper = await visitor(world.chrome.browser, world.site);
  const launcher = shopper.getByRole('button', { name: /Open chat/ });
  await launcher.waitFor();
  const at = await launcher.boundingBox();
  assert.ok(at.x < 640, `the launcher sits bottom left (x = ${at.x})`);
  await launcher.click();
  const chat = chatFrame(shopper);
  await chat.getByRole('heading', { name: 'Ask Northwind' }).waitFor();
  const header = await chat.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(header, 'rgb(15, 118, 110)');
  await chat.getByTestId('prechat').waitFor();
  assert.deepEqual(shopper.errors, []);
  await shopper.context().close();

  // Back to the defaults for the other tests (the API takes `{}` as every default).
  const reset = await api(world.server, 'PUT', '/api/v1/settings/widget', { token: world.owner.token, body: {} });
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the embed snippet is this workspace’s script tag and Copy puts it on the clipboard', async () => {
  const page = await ownerOnConnectors();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.server.url });
  const snippet = await page.getByTestId('widget-snippet').inputValue();
  assert.equal(snippet, embedSnippet(world.server, world.owner.me.tenant.widget_key));
  await page.getByTestId('copy-snippet').click();
  await page.getByTestId('snippet-status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshots: Connectors in light and dark', async () => {
  for (const theme of ['light', 'dark']) {
    const page = await ownerOnConnectors({ theme });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('widget-prechat').check();
    await page.getByTestId('widget-prechat-email').selectOption('required');
    await page.getByRole('button', { name: 'Pre-chat form' }).click();
    await page.getByTestId('preview-prechat').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath(`connectors-${theme}.png`) });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('an agent is told Connectors is for admins and the API refuses them', async () => {
  const agent = await addMember(world.server, world.owner.token, { email: 'cam.agent@example.com', name: 'Cam Agent' });
  const page = await signedInOn(world.chrome.browser, world.server, '/connectors', agent);
  await page.getByTestId('no-access').getByText('Connectors is available to admins and the owner.').waitFor();
  assert.equal(await page.getByTestId('widget-settings').count(), 0);
  const agentToken = await page.evaluate(() => localStorage.getItem('sb.access'));
  const refused = await api(world.server, 'PUT', '/api/v1/settings/widget', { token: agentToken, body: {} });
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
