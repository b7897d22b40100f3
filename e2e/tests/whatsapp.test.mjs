// WhatsApp end to end, with the product's Graph client pointed at `fake-whatsapp` (a local
// server speaking Meta's request and response shapes): the owner connects the number on
// Connectors, a customer's message posted (signed) to the number's webhook appears live under
// the WhatsApp filter with the phone number, the owner joins and replies, the fake Graph API
// receives the send, the ticks follow the status webhooks, and once the 24-hour window has
// passed (the page's clock moved on) the warning and the template sender replace free text.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join, resolve } from 'node:path';
import readline from 'node:readline';
import { after, test } from 'node:test';
import { newPage, screenshotPath, signIn, useServer } from './support.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const CUSTOMER = '4915112345678';
const APP_SECRET = 'e2e-app-secret';

/** Starts the fake Graph API; resolves with its base URL. */
async function startFake() {
  const child = spawn(join(root, 'target', 'debug', 'fake-whatsapp'), [], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((done) => readline.createInterface({ input: child.stdout }).once('line', done));
  return { child, url: `http://127.0.0.1:${line.replace('listening on ', '').trim()}` };
}

const fake = await startFake();
after(() => fake.child.kill());
const world = useServer(async () => {}, { WHATSAPP_GRAPH_URL: `${fake.url}/v21.0` });

async function fakeJson(path, body) {
  const response = await fetch(fake.url + path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  return response.status === 204 ? null : response.json();
}

/** Posts a payload for the number the way Meta does: signed with the app secret. */
async function postWebhook(connector, { messages = [], statuses = [] }) {
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '900100', changes: [{ field: 'messages', value: {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: connector.phone_number_id },
    contacts: [{ profile: { name: 'Ada Lovelace' }, wa_id: CUSTOMER }], messages, statuses } }] }] });
  const signature = 'sha256=' + createHmac('sha256', APP_SECRET).update(body).digest('hex');
  const response = await fetch(connector.webhook_url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  assert.equal(response.status, 200, await response.text());
}

async function eventually(what, check) {
  for (let i = 0; i < 100; i++) {
    const found = await check();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a WhatsApp customer is answered from the dashboard, with ticks, and the window is enforced', async () => {
  const { browser } = world.chrome;
  const { server } = world;
  // Connectors: the owner connects the number.
  const admin = await newPage(browser);
  await signIn(admin, server, server.email, server.password);
  await admin.waitForURL(/\/overview$/);
  await admin.goto(server.url + '/connectors');
  await admin.getByTestId('whatsapp-form').waitFor();
  await admin.getByTestId('wa-save').click();
  await admin.getByText('Must be the id Meta shows, digits only.').first().waitFor();
  await admin.getByTestId('wa-phone-number-id').fill('106540352242922');
  await admin.getByTestId('wa-business-account-id').fill('900100');
  await admin.getByTestId('wa-access-token').fill('EAAG-e2e-token-7781');
  await admin.getByTestId('wa-app-secret').fill(APP_SECRET);
  await admin.getByTestId('wa-verify-token').fill('e2e-verify');
  await admin.getByTestId('wa-save').click();
  await admin.getByTestId('whatsapp-connected').waitFor();
  await admin.getByText('Stored, ending in “7781”. Leave empty to keep it.').waitFor();
  const webhookUrl = await admin.getByTestId('wa-webhook-url').inputValue();
  assert.match(webhookUrl, /\/api\/whatsapp\/v1\/webhook\//);
  await admin.screenshot({ path: screenshotPath('connectors-whatsapp-light.png'), fullPage: true });
  await admin.emulateMedia({ colorScheme: 'dark' });
  await admin.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  await admin.screenshot({ path: screenshotPath('connectors-whatsapp-dark.png'), fullPage: true });
  await admin.context().close();
  const connector = { phone_number_id: '106540352242922', webhook_url: webhookUrl };

  // The owner watches the WhatsApp list; the customer writes.
  const page = await newPage(browser);
  await page.clock.install();
  await signIn(page, server, server.email, server.password);
  await page.waitForURL(/\/overview$/);
  await page.goto(server.url + '/conversations?channel=whatsapp');
  await page.getByTestId('list-empty').waitFor();
  const sentAt = Math.floor(Date.now() / 1000) - 60;
  await postWebhook(connector, { messages: [{ from: CUSTOMER, id: 'wamid.E2E1', timestamp: String(sentAt), type: 'text', text: { body: 'Do you deliver to Berlin?' } }] });
  const row = page.getByTestId('conversation-row').filter({ hasText: `+${CUSTOMER}` });
  await row.waitFor();
  await row.click();
  await page.getByTestId('whatsapp-window').filter({ hasText: 'Window closes in' }).waitFor();
  await page.getByTestId('message').filter({ hasText: 'Do you deliver to Berlin?' }).waitFor();
  await page.getByTestId('join').click();
  await page.getByTestId('live-indicator').waitFor();
  await page.getByTestId('composer').fill('Yes, every weekday.');
  await page.getByTestId('send').click();

  // The fake Graph API got the send; the ticks follow Meta's statuses.
  const send = await eventually('the send', async () => (await fakeJson('/_fake/sent')).find((s) => s.body.text?.body === 'Yes, every weekday.'));
  assert.equal(send.body.to, CUSTOMER);
  assert.equal(send.token, 'EAAG-e2e-token-7781');
  const mine = page.getByTestId('message').filter({ hasText: 'Yes, every weekday.' });
  await mine.getByTestId('delivery').and(page.locator('[data-state="sent"]')).waitFor();
  const wamid = await eventually('the wamid', async () => (await fakeJson('/_fake/sent')).length && 'wamid.FAKE00000001');
  await postWebhook(connector, { statuses: [{ id: wamid, status: 'delivered', timestamp: String(sentAt + 5), recipient_id: CUSTOMER }] });
  await mine.locator('[data-testid="delivery"][data-state="delivered"]').waitFor();
  await postWebhook(connector, { statuses: [{ id: wamid, status: 'read', timestamp: String(sentAt + 9), recipient_id: CUSTOMER }] });
  await mine.locator('[data-testid="delivery"][data-state="read"]').waitFor();
  await page.screenshot({ path: screenshotPath('conversations-whatsapp-light.png') });

  // A day later (the page's clock moved on): the warning, and templates instead of free text.
  await fakeJson('/_fake/templates', { name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', id: '1',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.' }] });
  await page.clock.fastForward('25:00:00');
  await page.getByTestId('whatsapp-window').filter({ hasText: 'The 24-hour window has closed' }).waitFor();
  await page.getByTestId('template-sender').waitFor();
  assert.equal(await page.getByTestId('composer').count(), 0, 'no free text after the window');
  await page.getByTestId('template-pick').selectOption({ label: 'order_update (en_US)' });
  const params = page.getByTestId('template-param');
  await params.nth(0).fill('Ada');
  await params.nth(1).fill('#1042');
  await page.getByTestId('template-preview').filter({ hasText: 'Hi Ada, your order #1042 is on its way.' }).waitFor();
  await page.screenshot({ path: screenshotPath('conversations-whatsapp-window-closed-light.png') });
  await page.getByTestId('send-template').click();
  await page.getByTestId('message').filter({ hasText: 'Hi Ada, your order #1042 is on its way.' }).waitFor();
  const template = await eventually('the template send', async () => (await fakeJson('/_fake/sent')).find((s) => s.body.type === 'template'));
  assert.equal(template.body.template.name, 'order_update');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
