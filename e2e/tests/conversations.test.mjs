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
  for (const [shortcut, title, body] of [
    ['shipping', 'Shipping times', 'Orders ship within 2 working days.'],
    ['refund', 'Refunds', 'Refunds reach your card in 5 days.'],
  ]) {
    const created = await api(server, 'POST', '/api/v1/quick-replies', { token: owner.token, body: { shortcut, title, body } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
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

/** Ends a test: no page logged a console error; visitors and browser contexts are closed. */
async function finish({ pages, visitors }) {
  for (const page of pages) assert.deepEqual(page.errors, [], page.url());
  for (const visitor of visitors) await visitor.close();
  for (const page of pages) await page.context().close();
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
  await agent.getByTestId('system-line').filter({ hasText: 'Bea Agent joined the conversation' }).waitFor();

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
  // Marks the thread: events about the conversation must update it, not redraw it.
  await agent.getByTestId('thread').evaluate((thread) => { thread.dataset.kept = 'yes'; });
  await visitor.say('Thank you, it was order 1042');
  await agent.getByTestId('message').filter({ hasText: 'order 1042' }).waitFor();
  await owner.getByTestId('message').filter({ hasText: 'order 1042' }).waitFor();
  assert.equal(await agent.getByTestId('pending-message').count(), 0);
  assert.equal(await agent.getByTestId('thread').getAttribute('data-kept'), 'yes');
  // The row's count is the thread's, as stored.
  const thread = await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: (await apiLogin(server, server.email, server.password)).token });
  const said = thread.body.items.filter((m) => m.sender !== 'system');
  await row(agent, id).getByTestId('message-count').filter({ hasText: String(said.length) }).waitFor();
  await agent.screenshot({ path: join(shots, 'conversations-thread.png') });

  // `/` opens the quick replies, filtered as one types; Enter inserts, Enter again sends.
  const composer = agent.getByTestId('composer');
  await composer.pressSequentially('/');
  await agent.getByTestId('quick-reply').nth(1).waitFor();
  await composer.pressSequentially('shi');
  await agent.waitForFunction(() => document.querySelectorAll('[data-testid="quick-reply"]').length === 1);
  await agent.screenshot({ path: join(shots, 'conversations-quick-replies.png') });
  await composer.press('Enter');
  assert.equal(await composer.inputValue(), 'Orders ship within 2 working days.');
  await composer.press('Enter');
  await visitor.waitFor((f, body) => f.type === 'message' && f.message.body === body, 'Orders ship within 2 working days.');

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

  await finish({ pages: [owner, agent], visitors: [visitor] });
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

  // `?` shows the shortcuts in a dialog that keeps the focus until Esc gives it back.
  await page.getByTestId('conversation-list').focus();
  await page.keyboard.press('?');
  const dialog = page.getByTestId('shortcuts');
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    assert.equal(await dialog.evaluate((d) => d.contains(document.activeElement)), true, 'Tab stays in the dialog');
  }
  await page.screenshot({ path: join(shots, 'conversations-shortcuts.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'conversation-list');
  // The keyboard button in the header opens it too.
  await page.getByTestId('shortcuts-button').click();
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await finish({ pages: [page], visitors });
});

test('capture a lead from the pre-chat form, delegate (rejected, then accepted) and transfer back', async () => {
  const visitor = await openVisitor(chrome.browser, server, widgetKey);
  await visitor.send({ type: 'prechat', name: 'Carla Gomez', email: 'carla@example.com', phone: '+34 600 111 222', fields: {} });
  const ack = await visitor.say('I would like a quote for 40 seats');
  const id = ack.conversation_id;
  const owner = await agentOn(`/conversations/${id}`, server.email, server.password);
  const bea = await agentOn(`/conversations/${id}`, 'bea.agent@example.com', 'agent password 123');
  await owner.getByTestId('detail-visitor').filter({ hasText: 'Carla Gomez' }).waitFor();

  // Capture Lead: the form is pre-filled from the pre-chat answers; a bad email is refused by
  // the server under its field, a good one is saved as a lead of this conversation.
  await owner.getByTestId('join').click();
  await owner.getByTestId('live-indicator').waitFor();
  await owner.getByTestId('capture-lead').click();
  assert.equal(await owner.getByTestId('lead-email').inputValue(), 'carla@example.com');
  assert.equal(await owner.getByTestId('lead-name').inputValue(), 'Carla Gomez');
  assert.equal(await owner.getByTestId('lead-phone').inputValue(), '+34 600 111 222');
  await owner.getByTestId('lead-email').fill('not an email');
  await owner.getByTestId('lead-save').click();
  await owner.locator('#field-email-error').waitFor();
  await owner.getByTestId('lead-email').fill('carla@example.com');
  await owner.getByTestId('lead-company').fill('Gomez & Co');
  await owner.getByTestId('lead-save').click();
  await owner.getByTestId('notice').filter({ hasText: 'Lead saved' }).waitFor();
  assert.equal(await owner.getByTestId('lead-form').count(), 0);
  const { token } = await apiLogin(server, server.email, server.password);
  const leads = await api(server, 'GET', '/api/v1/leads', { token });
  const lead = leads.body.items.find((l) => l.conversation_id === id);
  assert.equal(lead?.company, 'Gomez & Co');
  assert.equal(lead?.name, 'Carla Gomez');

  // Delegate to Bea with a reason: she sees it with Accept and Reject; she rejects.
  await owner.getByTestId('delegate').click();
  await owner.getByTestId('handoff-target').selectOption({ label: 'Bea Agent · online' });
  await owner.getByTestId('handoff-reason').fill('She asked for someone who speaks Spanish');
  assert.equal(await owner.getByTestId('reason-left').innerText(), `${200 - 40} characters left`);
  await owner.getByTestId('handoff-submit').click();
  await bea.getByTestId('delegation-alert').filter({ hasText: 'Demo Owner asks you' }).waitFor();
  await bea.getByTestId('delegation-alert').filter({ hasText: 'speaks Spanish' }).waitFor();
  await owner.getByTestId('delegation-cancel').waitFor();
  await bea.locator(`[data-testid="conversation-row"][data-id="${id}"][data-status="delegated"]`).waitFor();
  await bea.screenshot({ path: join(shots, 'conversations-delegation.png') });
  await bea.getByTestId('delegation-reject').click();
  await owner.getByTestId('delegation-alert').waitFor({ state: 'detached' });
  await owner.getByTestId('live-indicator').waitFor();

  // Delegated again, Bea accepts: she is in the session and the owner is locked out.
  await owner.getByTestId('delegate').click();
  await owner.getByTestId('handoff-target').selectOption({ label: 'Bea Agent · online' });
  await owner.getByTestId('handoff-submit').click();
  await bea.getByTestId('delegation-accept').click();
  await bea.getByTestId('live-indicator').waitFor();
  await owner.getByTestId('locked').filter({ hasText: 'Bea Agent' }).waitFor();

  // Bea transfers it back: the owner has it at once.
  await bea.getByTestId('transfer').click();
  await bea.getByTestId('handoff-target').selectOption({ label: 'Demo Owner · online' });
  await bea.getByTestId('handoff-submit').click();
  await owner.getByTestId('live-indicator').waitFor();
  await bea.getByTestId('locked').filter({ hasText: 'Demo Owner' }).waitFor();
  assert.equal(await bea.getByTestId('resolve').count(), 0, 'an agent cannot resolve what another holds');
  await visitor.waitFor((f, name) => f.type === 'agent_joined' && f.agent_name === name, 'Demo Owner');

  await finish({ pages: [owner, bea], visitors: [visitor] });
});

test('a server restart cuts the event socket; the page reconnects and shows what happened meanwhile', async () => {
  const visitor = await openVisitor(chrome.browser, server, widgetKey);
  const ack = await visitor.say('Are you open on Sundays?');
  const id = ack.conversation_id;
  const page = await agentOn(`/conversations/${id}`, server.email, server.password);
  await page.getByTestId('message').filter({ hasText: 'Sundays' }).waitFor();
  await page.evaluate(() => { window.notReloaded = true; });

  await visitor.close();
  await server.restart();
  // The visitor returns (same token, same conversation) and writes at once, while the agent's
  // page is still reconnecting: the message reaches the open thread without a reload.
  const again = await openVisitor(chrome.browser, server, widgetKey, visitor.welcome.token);
  const second = await again.say('Hello again after the restart');
  assert.equal(second.conversation_id, id);
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await page.getByTestId('message').filter({ hasText: 'after the restart' }).waitFor();
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
  await finish({ pages: [page], visitors: [again] });
});

test('Needs agent lists the longest wait first; an admin takes over after confirming in a dialog', async () => {
  const owner = await apiLogin(server, server.email, server.password);
  const bea = await apiLogin(server, 'bea.agent@example.com', 'agent password 123');
  const waiting = [];
  for (const text of ['I asked first', 'I asked second']) {
    const visitor = await openVisitor(chrome.browser, server, widgetKey);
    const ack = await visitor.say(text);
    await visitor.send({ type: 'request_agent' });
    await visitor.waitFor((f) => f.type === 'agent_requested');
    waiting.push({ visitor, id: ack.conversation_id });
  }
  const [first, second] = waiting;
  // The first to ask is the least recently active: newest-first would put it below the second.
  const page = await agentOn('/conversations?status=needs_agent', server.email, server.password);
  await row(page, second.id).waitFor();
  const ids = await rowIds(page);
  assert.ok(ids.indexOf(first.id) < ids.indexOf(second.id), JSON.stringify(ids));
  assert.equal(owner.me.user.name, 'Demo Owner');

  // Bea holds the second; the owner takes it over through the dialog.
  const joined = await api(server, 'POST', `/api/v1/conversations/${second.id}/join`, { token: bea.token, body: {} });
  assert.equal(joined.status, 200, JSON.stringify(joined.body));
  await row(page, second.id).click();
  await page.getByTestId('locked').filter({ hasText: 'Bea Agent' }).waitFor();
  await page.getByTestId('take-over').click();
  const dialog = page.getByTestId('take-over-dialog');
  await dialog.waitFor();
  await page.screenshot({ path: join(shots, 'conversations-take-over.png') });
  // Esc closes the dialog only: the panel stays open, still locked.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId('locked').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'take-over', 'the focus returns');
  await page.getByTestId('take-over').click();
  await page.getByTestId('confirm-take-over').click();
  await page.getByTestId('live-indicator').waitFor();
  await page.getByTestId('system-line').filter({ hasText: 'Demo Owner took over the conversation from Bea Agent' }).waitFor();
  await second.visitor.waitFor((f, name) => f.type === 'agent_joined' && f.agent_name === name, 'Demo Owner');

  await finish({ pages: [page], visitors: waiting.map((w) => w.visitor) });
});

// A 1×1 PNG, small enough to inline.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

test('Copilot suggestions, an emoji, an image and a voice note reach the visitor; a refused file is explained; the rating shows', async () => {
  const visitor = await openVisitor(chrome.browser, server, widgetKey);
  const ack = await visitor.say('How long does shipping take? Can you show me the box?');
  const id = ack.conversation_id;
  const page = await agentOn(`/conversations/${id}`, server.email, server.password);
  await page.getByTestId('join').click();
  await page.getByTestId('live-indicator').waitFor();
  const composer = page.getByTestId('composer');

  // The Copilot suggests the quick reply that shares the customer's words; a click inserts it.
  await page.getByTestId('copilot').click();
  const suggestion = page.getByTestId('suggestion').filter({ hasText: 'Shipping times' });
  await suggestion.waitFor();
  assert.equal(await page.getByTestId('suggestion').count(), 1, 'the refund reply shares no word');
  await page.screenshot({ path: join(shots, 'conversations-copilot.png') });
  await suggestion.click();
  assert.equal(await composer.inputValue(), 'Orders ship within 2 working days.');
  assert.equal(await page.getByTestId('copilot-panel').count(), 0);

  // The emoji picker: searched, reached with the arrows, inserted where the caret is.
  await composer.fill('Here it is ');
  await page.getByTestId('emoji-button').click();
  await page.getByTestId('emoji-search').fill('pack');
  await page.keyboard.press('ArrowDown');
  await page.screenshot({ path: join(shots, 'conversations-emoji.png') });
  await page.keyboard.press('Enter');
  assert.equal(await composer.inputValue(), 'Here it is 📦');
  assert.equal(await page.getByTestId('emoji-picker').count(), 0);
  await composer.press('Enter');
  await visitor.waitFor((f, body) => f.type === 'message' && f.message.body === body, 'Here it is 📦');

  // An image: uploaded with its progress, sent as a message, a thumbnail in the thread.
  await page.getByTestId('file-input').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
  const image = await visitor.waitFor((f) => f.type === 'message' && f.message.kind === 'image');
  assert.equal(image.message.attachment.filename, 'dot.png');
  await page.getByTestId('image').waitFor();

  // A file the server would refuse is explained before any upload.
  await page.getByTestId('file-input').setInputFiles({ name: 'movie.mp4', mimeType: 'video/mp4', buffer: Buffer.from('not really a movie') });
  await page.getByTestId('upload-error').filter({ hasText: '“movie.mp4” can\'t be sent' }).waitFor();

  // A voice note from the (fake) microphone: a running timer, then Stop sends it.
  await page.getByTestId('record').click();
  await page.getByTestId('recording-time').filter({ hasText: '1 s' }).waitFor();
  await page.screenshot({ path: join(shots, 'conversations-recording.png') });
  await page.getByTestId('record-stop').click();
  const voice = await visitor.waitFor((f) => f.type === 'message' && f.message.kind === 'voice');
  assert.ok(voice.message.attachment.duration_ms >= 1000, JSON.stringify(voice.message.attachment));
  // The thread's player: play, then pause, with the time played out of the note's length.
  await page.getByTestId('voice-toggle').click();
  await page.locator('[data-testid="voice-toggle"][data-playing="true"]').waitFor();
  await page.getByTestId('voice-toggle').click();
  await page.locator('[data-testid="voice-toggle"][data-playing="false"]').waitFor();
  assert.match(await page.getByTestId('voice-length').innerText(), /^0:0\d \/ 0:0[1-9]$/);
  // Cancel discards a recording: nothing more is sent.
  await page.getByTestId('record').click();
  await page.getByTestId('recording').waitFor();
  await page.getByTestId('record-cancel').click();
  await page.getByTestId('record').waitFor();
  await page.screenshot({ path: join(shots, 'conversations-attachments.png') });

  // Resolved, the visitor rates it: the stars appear in the row and in the header.
  await page.getByTestId('resolve').click();
  await visitor.waitFor((f) => f.type === 'rating_request');
  await visitor.send({ type: 'rating', stars: 4, categories: [], comment: 'Quick and clear' });
  await visitor.waitFor((f) => f.type === 'rating_saved');
  await page.getByTestId('detail-rating').filter({ hasText: 'Quick and clear' }).waitFor();
  // The list is narrow beside the panel; closed, it shows the rating column.
  await page.getByTestId('close-panel').click();
  await row(page, id).locator('[data-testid="stars"][data-stars="4"]').waitFor();
  const thread = await api(server, 'GET', `/api/v1/conversations/${id}/messages`, { token: (await apiLogin(server, server.email, server.password)).token });
  assert.equal(thread.body.items.filter((m) => m.kind === 'voice').length, 1, 'the cancelled recording was not sent');

  await finish({ pages: [page], visitors: [visitor] });
});

test('Live visitors: who is on the site, on which page, chatting or browsing, live', async () => {
  const page = await agentOn('/conversations', server.email, server.password);
  const before = Number(await page.getByTestId('live-visitor-count').innerText());
  const browsing = await openVisitor(chrome.browser, server, widgetKey);
  await browsing.send({ type: 'page', url: 'https://shop.example.com/pricing', title: 'Pricing', referrer: 'https://www.google.com/' });
  const chatting = await openVisitor(chrome.browser, server, widgetKey);
  await chatting.send({ type: 'page', url: 'https://shop.example.com/cart', title: 'Your cart', referrer: null });
  const ack = await chatting.say('Is there a discount for 3 items?');
  await page.getByTestId('live-visitor-count').filter({ hasText: String(before + 2) }).waitFor();

  await page.getByTestId('live-visitors-button').click();
  const browsingLine = page.locator(`[data-testid="live-visitor"][data-visitor="${browsing.welcome.visitor_id}"]`);
  await browsingLine.filter({ hasText: 'Pricing' }).filter({ hasText: 'Browsing' }).waitFor();
  const chattingLine = page.locator(`[data-testid="live-visitor"][data-visitor="${chatting.welcome.visitor_id}"]`);
  await chattingLine.filter({ hasText: 'Your cart' }).waitFor();
  await chattingLine.getByText('Chatting').waitFor();
  // Moving to another page moves them in the panel.
  await browsing.send({ type: 'page', url: 'https://shop.example.com/checkout', title: 'Checkout', referrer: null });
  await browsingLine.filter({ hasText: 'Checkout' }).waitFor();
  await page.screenshot({ path: join(shots, 'conversations-live-visitors.png') });
  // "Chatting" opens their conversation.
  await chattingLine.getByText('Chatting').click();
  await page.waitForURL(new RegExp(`/conversations/${ack.conversation_id}$`));
  // Leaving the site takes them off the panel.
  await browsing.close();
  await browsingLine.waitFor({ state: 'detached' });
  await page.getByTestId('live-visitor-count').filter({ hasText: String(before + 1) }).waitFor();
  // A click outside closes the panel.
  await page.getByTestId('section-title').click();
  await page.getByTestId('live-visitors').waitFor({ state: 'detached' });

  await finish({ pages: [page], visitors: [chatting] });
});

/** Starts `count` conversations from one page, a visitor socket each; returns their ids, oldest first. */
async function startConversations(count) {
  const context = await chrome.browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + '/healthz');
  const url = server.url.replace(/^http/, 'ws') + `/api/widget/v1/ws?key=${encodeURIComponent(widgetKey)}`;
  const ids = await page.evaluate(async ({ url, count }) => {
    const ids = [];
    for (let i = 0; i < count; i++) {
      ids.push(await new Promise((done, fail) => {
        const socket = new WebSocket(url);
        socket.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          if (frame.type === 'welcome') socket.send(JSON.stringify({ type: 'message', client_id: `bulk-${i}`, text: `Question number ${i}` }));
          if (frame.type === 'ack') { socket.close(); done(frame.conversation_id); }
        };
        socket.onerror = () => fail(new Error('visitor socket failed'));
      }));
    }
    return ids;
  }, { url, count });
  await context.close();
  return ids;
}

test('scrolled to page 2, new conversations wait behind a pill that brings them to the top', async () => {
  const ids = await startConversations(60);
  const page = await agentOn('/conversations', server.email, server.password);
  await row(page, ids[ids.length - 1]).waitFor();
  // Scrolling down fetches the next page: the oldest of the 60 is there.
  const list = page.getByTestId('conversation-list');
  for (let i = 0; i < 20; i++) {
    await list.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    if (await row(page, ids[0]).count()) break;
    await page.waitForTimeout(100);
  }
  await row(page, ids[0]).waitFor();
  assert.ok(await list.evaluate((el) => el.scrollTop > 56 * 40), 'scrolled past the first page');

  const visitor = await openVisitor(chrome.browser, server, widgetKey);
  const ack = await visitor.say('A brand new question');
  const pill = page.getByTestId('new-pill');
  await pill.filter({ hasText: '1 new conversation' }).waitFor();
  assert.equal(await row(page, ack.conversation_id).count(), 0, 'the list does not move under the agent');
  await page.screenshot({ path: join(shots, 'conversations-pill.png') });
  await pill.click();
  await row(page, ack.conversation_id).waitFor();
  assert.equal((await rowIds(page))[0], ack.conversation_id);
  assert.equal(await list.evaluate((el) => el.scrollTop), 0);
  assert.equal(await pill.count(), 0);

  await finish({ pages: [page], visitors: [visitor] });
});
