// The printed demo owner signs in and sees the owner's sidebar; an invited agent accepts the
// invitation, signs in and sees only the agent's sections.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  api, launchBrowser, newPage, screenshotPath, sidebarSections, signIn, startServer,
} from './support.mjs';

const OWNER_SECTIONS = ['overview', 'conversations', 'tickets', 'leads', 'analytics', 'reviews', 'knowledge-gaps',
  'help-center', 'documents', 'connectors', 'team', 'settings', 'billing'];
const AGENT_SECTIONS = ['overview', 'conversations', 'tickets', 'leads'];

let server;
let chrome;

before(async () => {
  server = await startServer();
  chrome = await launchBrowser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

test('a wrong password shows the server\'s message and stays on the login screen', async () => {
  const page = await newPage(chrome.browser);
  await signIn(page, server, server.email, 'not the password');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.match(await error.innerText(), /email or password is incorrect/i);
  assert.match(page.url(), /\/login$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the demo owner signs in and sees every owner section', async () => {
  const page = await newPage(chrome.browser);
  await signIn(page, server, server.email, server.password);
  await page.waitForURL(/\/overview$/);
  assert.deepEqual(await sidebarSections(page), OWNER_SECTIONS);
  assert.match(await page.getByTestId('current-user').innerText(), /Demo Owner/);
  await page.getByTestId('nav-billing').click();
  await page.waitForURL(/\/billing$/);
  // The owner's Billing: the plan and the seats taken (one active member: the owner).
  const billing = await api(server, 'GET', '/api/v1/billing', {
    token: await page.evaluate(() => localStorage.getItem('sb.access')),
  });
  assert.equal(billing.status, 200, JSON.stringify(billing.body));
  await page.getByTestId('plan-seats').filter({ hasText: `1 of ${billing.body.seats_included} seats in use` }).waitFor();
  assert.equal((await page.getByTestId('plan-name').innerText()).toLowerCase(), billing.body.plan.toLowerCase());
  await page.screenshot({ path: screenshotPath('billing-light.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an invited agent accepts, signs in, and sees only the agent sections', async () => {
  const login = await api(server, 'POST', '/api/v1/auth/login', { body: { email: server.email, password: server.password } });
  assert.equal(login.status, 200);
  const invite = await api(server, 'POST', '/api/v1/team/invitations', {
    token: login.body.access_token,
    body: { email: 'agent.e2e@example.com', role: 'agent' },
  });
  assert.equal(invite.status, 201);

  const page = await newPage(chrome.browser);
  await page.goto(invite.body.invite_url);
  await page.getByTestId('invite-name').fill('Alex Agent');
  await page.getByTestId('invite-password').fill('agent password 123');
  await page.getByTestId('invite-submit').click();
  await page.waitForURL(/\/overview$/);
  assert.deepEqual(await sidebarSections(page), AGENT_SECTIONS);

  // Signed out and back in through the form: still only the agent's sections.
  await page.getByTestId('sign-out').click();
  await page.waitForURL(/\/login$/);
  await signIn(page, server, 'agent.e2e@example.com', 'agent password 123');
  await page.waitForURL(/\/overview$/);
  assert.deepEqual(await sidebarSections(page), AGENT_SECTIONS);
  assert.match(await page.getByTestId('current-user').innerText(), /Alex Agent/);

  // A section the role may not open, typed by hand, says so instead of showing it.
  await page.goto(server.url + '/billing');
  await page.getByText(/don.t have access/i).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the theme and availability toggles work and availability reaches the server', async () => {
  const page = await newPage(chrome.browser);
  await signIn(page, server, server.email, server.password);
  await page.waitForURL(/\/overview$/);
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const before = await theme();
  await page.getByTestId('theme-toggle').click();
  assert.notEqual(await theme(), before);
  await page.reload();
  await page.getByTestId('sidebar').waitFor();
  assert.notEqual(await theme(), before, 'the theme choice survives a reload');

  const toggle = page.getByTestId('availability-toggle');
  const initial = (await toggle.innerText()).trim();
  await toggle.click();
  const expected = /online/i.test(initial) ? 'away' : 'online';
  await page.waitForFunction((want) => document.querySelector('[data-testid="availability-toggle"]').innerText.toLowerCase().includes(want), expected);
  const token = await page.evaluate(() => localStorage.getItem('sb.access'));
  const me = await api(server, 'GET', '/api/v1/me', { token });
  assert.equal(me.body.user.availability, expected);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
