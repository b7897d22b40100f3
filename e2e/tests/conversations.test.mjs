// The Conversations page, driven as agents use it, against the real server: two team members in
// their own browsers, visitors on the visitor socket. A new chat appears live in both lists; a
// visitor asking for a human raises an alert with its tone and the badge count; one agent joins
// and the other sees "Locked by another agent"; the agent's reply reaches the visitor's socket and
// the visitor's answer reaches the open thread; resolving moves the conversation to Resolved.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { api, apiLogin, launchBrowser, newPage, openVisitor, signIn, startServer } from './support.mjs';

const shots = resolve(import.meta.dirname, '..', 'screenshots');
mkdirSync(shots, { recursive: true });

let server;
let chrome;
let widgetKey;

before(async () => {
  server = await startServer();
  chrome = await launchBrowser();
  const owner = await apiLogin(server, server.email, server.password);
  widgetKey = owner.me.tenant.widget_key;
  // A second member: an agent.
  const invite = await api(server, 'POST', '/api/v1/team/invitations', {
    token: owner.token,
    body: { email: 'bea.agent@example.com', role: 'agent' },
  });
  assert.equal(invite.status, 201);
  const token = new URL(invite.body.invite_url).searchParams.get('token');
  const accepted = await api(server, 'POST', '/api/v1/invitations/accept', {
    body: { token, name: 'Bea Agent', password: 'agent password 123' },
  });
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

/** A member signed in on the Conversations page, in a browser context of their own. */
async function agentOn(path, email, password) {
  const page = await newPage(chrome.browser);
  await signIn(page, server, email, password);
  await page.waitForURL(/\/overview$/);
  await page.goto(server.url + path);
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await page.getByTestId('conversation-list').waitFor();
  return page;
}

/** The ids of the list's rows, top first. */
function rowIds(page) {
  return page.getByTestId('conversation-row').evaluateAll((rows) => rows.map((r) => r.dataset.id));
}

function row(page, id) {
  return page.locator(`[data-testid="conversation-row"][data-id="${id}"]`);
}

test('a chat goes from a new conversation to resolved, live in two agents’ dashboards', async () => {
  const owner = await agentOn('/conversations', server.email, server.password);
  const agent = await agentOn('/conversations', 'bea.agent@example.com', 'agent password 123');

  // A visitor writes: the conversation appears at the top of both lists without a reload.
  const visitor = await openVisitor(chrome.browser, server, widgetKey);
  const ack = await visitor.say('Hello, is my order on its way?');
  const id = ack.conversation_id;
  for (const page of [owner, agent]) {
    await row(page, id).waitFor();
    assert.equal((await rowIds(page))[0], id);
    assert.equal(await row(page, id).getAttribute('data-status'), 'open');
  }

  // The visitor asks for a human: an alert with its tone, the badge and the row say so.
  await visitor.send({ type: 'request_agent' });
  await visitor.waitFor((f) => f.type === 'agent_requested');
  const alert = agent.getByTestId('alert').filter({ hasText: visitor.welcome.display_id });
  await alert.waitFor();
  assert.equal(await alert.getAttribute('data-tone'), 'played');
  await agent.getByTestId('needs-agent-badge').filter({ hasText: '1' }).waitFor();
  await agent.locator(`[data-testid="conversation-row"][data-id="${id}"][data-status="needs_agent"]`).waitFor();
  await agent.getByTestId('count-needs_agent').filter({ hasText: '1' }).waitFor();
  await agent.screenshot({ path: join(shots, 'conversations-alert.png') });

  // The alert opens the conversation; the agent joins and is live in it.
  await alert.click();
  await agent.waitForURL(new RegExp(`/conversations/${id}\\?status=needs_agent$`));
  await agent.getByTestId('join').click();
  await agent.getByTestId('live-indicator').waitFor();
  await visitor.waitFor((f) => f.type === 'agent_joined');

  // The owner opens it too and finds it locked by Bea, with the choice to take it over.
  await row(owner, id).click();
  await owner.getByTestId('locked').filter({ hasText: 'Bea Agent' }).waitFor();
  assert.equal(await owner.getByTestId('take-over').count(), 1);
  assert.equal(await owner.getByTestId('composer').isDisabled(), true);

  // Bea replies with Enter; the visitor's socket receives it, and the visitor's answer arrives
  // in the open thread without a reload.
  await agent.getByTestId('composer').fill('Hi! Let me check that for you 📦');
  await agent.getByTestId('composer').press('Enter');
  const reply = await visitor.waitFor((f) => f.type === 'message' && f.message.sender === 'agent');
  assert.equal(reply.message.body, 'Hi! Let me check that for you 📦');
  assert.equal(reply.message.sender_name, 'Bea Agent');
  await visitor.say('Thank you, it was order 1042');
  await agent.getByTestId('message').filter({ hasText: 'order 1042' }).waitFor();
  await owner.getByTestId('message').filter({ hasText: 'order 1042' }).waitFor();
  assert.equal(await agent.getByTestId('pending-message').count(), 0);
  // The row's count is the thread's, as stored.
  const thread = await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: (await apiLogin(server, server.email, server.password)).token });
  await row(agent, id).getByTestId('message-count').filter({ hasText: String(thread.body.items.length) }).waitFor();
  await agent.screenshot({ path: join(shots, 'conversations-thread.png') });

  // Resolving: the visitor is told, and the conversation is on the Resolved tab.
  await agent.getByTestId('resolve').click();
  await visitor.waitFor((f) => f.type === 'resolved');
  await agent.getByTestId('reopen').waitFor();
  await agent.getByTestId('tab-resolved').click();
  await agent.waitForURL(new RegExp(`/conversations/${id}\\?status=resolved$`));
  await agent.locator(`[data-testid="conversation-row"][data-id="${id}"][data-status="resolved"]`).waitFor();
  await owner.locator(`[data-testid="conversation-row"][data-id="${id}"][data-status="resolved"]`).waitFor();

  // The view lives in the URL: a reload shows the same tab and the same open conversation.
  await agent.reload();
  await row(agent, id).waitFor();
  await agent.getByTestId('reopen').waitFor();
  assert.equal(await agent.locator('[data-testid="tab-resolved"][aria-current="page"]').count(), 1);

  assert.deepEqual(owner.errors, []);
  assert.deepEqual(agent.errors, []);
  await visitor.close();
  await owner.context().close();
  await agent.context().close();
});

test('the list is one tab stop: arrows move, Enter opens, Esc closes', async () => {
  const page = await agentOn('/conversations', server.email, server.password);
  const visitors = [];
  for (const text of ['First question', 'Second question']) {
    const visitor = await openVisitor(chrome.browser, server, widgetKey);
    await visitor.say(text);
    visitors.push(visitor);
  }
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation-row"]').length >= 3);
  const ids = await rowIds(page);
  await page.getByTestId('conversation-list').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('j');
  const active = await page.getByTestId('conversation-list').getAttribute('aria-activedescendant');
  assert.equal(active, `conversation-${ids[1]}`, JSON.stringify(ids));
  // Marks the list element: opening a conversation must keep the list, not redraw it.
  await page.getByTestId('conversation-list').evaluate((list) => { list.dataset.kept = 'yes'; });
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/conversations/${ids[1]}$`));
  await page.getByTestId('detail-panel').waitFor();
  assert.equal(await page.getByTestId('conversation-list').getAttribute('data-kept'), 'yes');
  await page.getByTestId('conversation-list').focus();
  await page.keyboard.press('Escape');
  await page.waitForURL(/\/conversations$/);
  assert.equal(await page.getByTestId('detail-panel').count(), 0);
  assert.deepEqual(page.errors, []);
  for (const visitor of visitors) await visitor.close();
  await page.context().close();
});
