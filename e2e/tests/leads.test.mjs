// The Leads page as a member uses it: every lead newest first, each linked to its conversation;
// a search the server runs, kept in the URL across a reload; a lead captured meanwhile shows at
// the top; the CSV export downloads every lead under a dated name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { api, openVisitor, screenshotPath, signedInOn, useServer } from './support.mjs';

const world = useServer(() => seedLeads());

/** A visitor writes, and the owner captures `lead` from their conversation. */
async function captureLead(lead) {
  const visitor = await openVisitor(world.chrome.browser, world.server, world.owner.me.tenant.widget_key);
  const ack = await visitor.say(`Hello, I am ${lead.email}`);
  await visitor.close();
  const saved = await api(world.server, 'POST', `/api/v1/conversations/${ack.conversation_id}/lead`, { token: world.owner.token, body: lead });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  return { ...saved.body, conversation_id: ack.conversation_id };
}

/** The owner on /leads (with `query`), once the list has loaded. */
async function onLeads(query = '', { theme = 'light' } = {}) {
  const page = await signedInOn(world.chrome.browser, world.server, `/leads${query}`, { theme });
  await page.getByTestId('leads-table').or(page.getByTestId('leads-empty')).waitFor();
  return page;
}

const emails = (page) => page.getByTestId('lead-row').locator('.lead-email').allInnerTexts();

let ana;
/** Three leads, oldest first. */
async function seedLeads() {
  ana = await captureLead({ email: 'ana@northwind.example', name: 'Ana Lima', company: 'Northwind Coffee', message: 'Wholesale prices for 20 kg a month?' });
  await captureLead({ email: 'ben@beans.example', name: 'Ben Okafor', phone: '+43 660 1234567' });
  await captureLead({ email: 'cho@roastery.example', company: 'Cho Roastery' });
}

test('leads newest first, linked to their conversations; the search is the server’s and stays in the URL', async () => {
  const page = await onLeads();
  assert.deepEqual(await emails(page), ['cho@roastery.example', 'ben@beans.example', 'ana@northwind.example']);
  const anaRow = page.getByTestId('lead-row').filter({ hasText: 'ana@northwind.example' });
  assert.equal(await anaRow.getByTestId('lead-conversation').getAttribute('href'), `/conversations/${ana.conversation_id}`);
  await anaRow.getByText('by Demo Owner').waitFor();
  await page.screenshot({ path: screenshotPath('leads-light.png') });

  await page.getByTestId('leads-search').fill('NORTHWIND');
  await page.waitForURL(/\/leads\?q=NORTHWIND$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="lead-row"]').length === 1);
  assert.deepEqual(await emails(page), ['ana@northwind.example']);
  await page.reload();
  await page.getByTestId('leads-table').waitFor();
  assert.equal(await page.getByTestId('leads-search').inputValue(), 'NORTHWIND');
  assert.deepEqual(await emails(page), ['ana@northwind.example']);

  await page.getByTestId('leads-search').fill('660 123');
  await page.waitForURL(/q=660%20123$/);
  await page.waitForFunction(() => document.querySelector('[data-testid="lead-row"] .lead-email')?.innerText === 'ben@beans.example');
  await page.getByTestId('leads-search').fill('nobody-like-this');
  await page.getByTestId('leads-empty').getByText('No leads match “nobody-like-this”').waitFor();

  await page.getByTestId('leads-search').fill('');
  await page.waitForURL(/\/leads$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="lead-row"]').length === 3);
  await page.getByTestId('lead-row').first().getByTestId('lead-conversation').click();
  await page.waitForURL(/\/conversations\//);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a lead captured meanwhile shows at the top without a reload', async () => {
  const page = await onLeads();
  const before = await page.getByTestId('lead-row').count();
  await captureLead({ email: 'dana@cafe.example', name: 'Dana' });
  await page.getByTestId('lead-row').first().getByText('dana@cafe.example').waitFor();
  assert.equal(await page.getByTestId('lead-row').count(), before + 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Export CSV downloads every lead under a dated name', async () => {
  const page = await onLeads('?q=ana');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('leads-export').click();
  const file = await downloading;
  assert.match(file.suggestedFilename(), /^leads-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'id,created_at,email,name,phone,company,message,conversation_id,captured_by');
  for (const email of ['ana@northwind.example', 'ben@beans.example', 'cho@roastery.example', 'dana@cafe.example']) {
    assert.ok(csv.includes(email), `the export has ${email} (everything, not the search)`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshot: Leads in the dark theme', async () => {
  const page = await onLeads('', { theme: 'dark' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: screenshotPath('leads-dark.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
