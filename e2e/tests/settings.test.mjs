// Settings as an admin uses them: the workspace's name, time zone (picked from the browser's
// list), reopen policy and rating feedback saved and kept; a time zone that does not exist is
// refused under its field and nothing changes; an API key created here works against the API
// at once and stops working when revoked (after a confirmation).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, openVisitor, screenshotPath, signedInOn, useServer } from './support.mjs';

const world = useServer();

async function stored() {
  const got = await api(world.server, 'GET', '/api/v1/settings', { token: world.owner.token });
  assert.equal(got.status, 200, JSON.stringify(got.body));
  return got.body;
}

test('workspace settings are saved, kept, and a bad time zone is refused', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/settings');
  await page.getByTestId('workspace-settings').waitFor();
  const before = await stored();
  assert.equal(await page.getByTestId('settings-name').inputValue(), before.name);

  await page.getByTestId('settings-zone').fill('Mars/Olympus_Mons');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('workspace-settings').locator('.field-error').first().waitFor();
  assert.deepEqual(await stored(), before, 'a refused save changes nothing');

  await page.getByTestId('settings-name').fill('Northwind Coffee');
  await page.getByTestId('settings-zone').fill('Europe/Vienna');
  await page.getByTestId('policy-new').check();
  await page.getByTestId('settings-categories').fill('Fast\nFriendly\n\nKnew the beans');
  await page.getByTestId('settings-save').click();
  await page.getByText('Settings saved.').waitFor();
  const after = await stored();
  assert.equal(after.name, 'Northwind Coffee');
  assert.equal(after.time_zone, 'Europe/Vienna');
  assert.equal(after.reopen_policy, 'new_conversation');
  assert.deepEqual(after.rating_categories, ['Fast', 'Friendly', 'Knew the beans']);
  // The picker offers the browser's zones.
  assert.ok(await page.locator('#time-zones option[value="Europe/Vienna"]').count() === 1);
  await page.reload();
  await page.getByTestId('workspace-settings').waitFor();
  assert.equal(await page.getByTestId('settings-zone').inputValue(), 'Europe/Vienna');
  assert.ok(await page.getByTestId('policy-new').isChecked());
  await page.screenshot({ path: screenshotPath('settings-light.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an API key created here works at once and stops working when revoked', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/settings', { theme: 'dark' });
  await page.getByTestId('api-key-form').waitFor();
  await page.getByTestId('api-key-create').click();
  await page.getByText('Name the key after what will use it.').waitFor();
  await page.getByTestId('api-key-name').fill('CRM sync');
  await page.getByTestId('api-key-create').click();
  const secret = await page.getByTestId('api-key-value').inputValue();
  assert.match(secret, /^sbk_/);
  const row = page.getByTestId('api-key').filter({ hasText: 'CRM sync' });
  await row.getByText('Never').waitFor();
  const works = await api(world.server, 'GET', '/api/v1/conversations', { token: secret });
  assert.equal(works.status, 200, JSON.stringify(works.body));
  await page.screenshot({ path: screenshotPath('settings-dark.png') });

  await row.getByTestId('revoke-key').click();
  await page.getByTestId('revoke-key-dialog').getByTestId('confirm-revoke-key').click();
  await page.getByText('API key revoked.').waitFor();
  await row.getByText(/^Revoked /).waitFor();
  const refused = await api(world.server, 'GET', '/api/v1/conversations', { token: secret });
  assert.equal(refused.status, 401, JSON.stringify(refused.body));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a quick reply added and edited in Settings is in the / menu of a conversation, and deleting it asks first', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/settings');
  const form = page.getByTestId('quick-reply-form');
  await form.waitFor();
  await page.getByTestId('quick-reply-shortcut').fill('/hours');
  await page.getByTestId('quick-reply-title').fill('Opening times');
  await page.getByTestId('quick-reply-body').fill('We roast Monday to Friday, 8:00 to 17:00.');
  await page.getByTestId('quick-reply-save').click();
  await page.getByText('/hours saved.').waitFor();
  const item = page.getByTestId('quick-reply-item').filter({ hasText: '/hours' });
  await item.getByTestId('edit-quick-reply').click();
  assert.equal(await page.getByTestId('quick-reply-title').inputValue(), 'Opening times');
  await page.getByTestId('quick-reply-title').fill('Opening hours');
  await page.getByTestId('quick-reply-save').click();
  await item.getByText('Opening hours').waitFor();
  // The same shortcut twice is refused in the server's words.
  await page.getByTestId('quick-reply-shortcut').fill('hours');
  await page.getByTestId('quick-reply-title').fill('Again');
  await page.getByTestId('quick-reply-body').fill('Twice');
  await page.getByTestId('quick-reply-save').click();
  await page.getByTestId('quick-reply-error').waitFor();

  // In a conversation, the agent finds it with /.
  const visitor = await openVisitor(world.chrome.browser, world.server, world.owner.me.tenant.widget_key);
  const ack = await visitor.say('When are you open?');
  await page.goto(`${world.server.url}/conversations/${ack.conversation_id}`);
  await page.getByTestId('join').click();
  await page.getByTestId('live-indicator').waitFor();
  const composer = page.getByTestId('composer');
  await composer.pressSequentially('/hou');
  await page.getByTestId('quick-reply').filter({ hasText: 'Opening hours' }).waitFor();
  await visitor.close();

  await page.goto(`${world.server.url}/settings`);
  await item.getByTestId('delete-quick-reply').click();
  await page.getByTestId('delete-quick-reply-dialog').getByTestId('confirm-delete-quick-reply').click();
  await page.getByText('Quick reply deleted.').waitFor();
  await item.waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the audit log lists what was done, narrowed to one kind', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/settings');
  const log = page.getByTestId('audit-log');
  await log.waitFor();
  const actions = () => log.getByTestId('audit-action').allInnerTexts();
  const everything = await actions();
  assert.ok(everything.includes('settings.updated'), everything.join(', '));
  await page.getByTestId('audit-filter').selectOption('api_key');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-action"]')].every((a) => a.innerText.startsWith('api_key.')));
  const keys = await actions();
  assert.ok(keys.includes('api_key.created') && keys.includes('api_key.revoked'), keys.join(', '));
  await log.getByText('owner@demo.switchboard.local').first().waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
