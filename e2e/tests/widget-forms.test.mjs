// The chat widget's forms: with nobody on the team online, "Talk to a human" offers the
// offline message and a form to leave an email, which becomes a lead; with the pre-chat form
// enabled, the chat starts only once the required answers are given, and the agent sees them in
// the conversation's panel and in Capture Lead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, newPage, signIn } from './support.mjs';
import {
  chatFrame, chatInput, closeWorld, conversationWith, openWorld, sayAndWait, unique, visitor,
} from './widget-support.mjs';

const OFFLINE_MESSAGE = 'Our team is offline right now. Leave your email and we will get back to you.';
const REQUIRED = 'Please fill this in.';
const INVALID_EMAIL = 'Please enter a valid email address.';

let server;
let chrome;
let owner;
let site;

before(async () => {
  ({ server, chrome, owner, site } = await openWorld());
});

after(() => closeWorld({ server, chrome, site }));

/** Replaces the widget settings (`{}` restores the defaults). */
async function putWidgetSettings(body) {
  const saved = await api(server, 'PUT', '/api/v1/settings/widget', { token: owner.token, body });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  return saved.body;
}

/** Opens the launcher without waiting for the input bar (a form may come first). */
async function openLauncher(page) {
  await page.getByRole('button', { name: /Open chat/ }).click();
  return chatFrame(page);
}

/** A labelled field of one of the chat's forms: its input and its error. */
function field(form, label) {
  const wrapper = form.locator('label.field').filter({ has: form.page().locator(`xpath=./span[starts-with(normalize-space(.), "${label}")]`) });
  return { input: wrapper.locator('input, textarea'), error: wrapper.getByRole('alert') };
}

/** Every lead, newest first (all pages). */
async function leads() {
  const items = [];
  let cursor = '';
  for (;;) {
    const page = await api(server, 'GET', `/api/v1/leads?limit=100${cursor}`, { token: owner.token });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    if (!page.body.next_cursor) return items;
    cursor = `&cursor=${encodeURIComponent(page.body.next_cursor)}`;
  }
}

/**
 * "Talk to a human" with nobody online: the chat shows the offline message and the leave-email
 * form (and not "we've let the team know"); the email left there is stored as a lead.
 */
async function leaveEmailWhenOffline(chat, { email, note }) {
  await chat.getByRole('button', { name: 'Talk to a human' }).click();
  const form = chat.getByTestId('leave-email');
  const alerted = chat.getByText("We've let the team know. Someone will join shortly.");
  await form.or(alerted).first().waitFor();
  assert.equal(await alerted.count(), 0, 'the visitor was told the team was alerted, not that nobody is online');
  await form.getByText(OFFLINE_MESSAGE).waitFor();

  // Sending it empty is refused, and the form says why.
  const address = field(form, 'Email');
  await form.getByRole('button', { name: 'Leave my email' }).click();
  await address.error.filter({ hasText: REQUIRED }).waitFor();
  assert.equal(await address.input.getAttribute('aria-invalid'), 'true');

  await address.input.fill(email);
  await field(form, 'How can we help?').input.fill(note);
  await form.getByRole('button', { name: 'Leave my email' }).click();
  await chat.getByRole('status').filter({ hasText: "Thanks! We'll get back to you by email." }).waitFor();
}

test('with no agent signed in, “Talk to a human” says nobody is online and the email left becomes a lead', async () => {
  // Nobody has the dashboard open on this server (its only member signed in over the API).
  const page = await visitor(chrome.browser, site);
  const chat = await openLauncher(page);
  const question = unique('Can I change my delivery address?');
  await sayAndWait(chat, question);
  const id = await conversationWith(server, owner.token, question);

  const email = `ana.${Date.now()}@shop.example`;
  const note = unique('Please call me back about order 1042');
  await leaveEmailWhenOffline(chat, { email, note });
  const lead = (await leads()).find((l) => l.email === email);
  assert.ok(lead, `a lead for ${email}`);
  assert.equal(lead.conversation_id, id);
  assert.equal(lead.message, note);

  // Back to the chat: the thread is as it was.
  await chat.getByRole('button', { name: 'Back to the chat' }).click();
  await chat.locator('.row.mine').filter({ hasText: question }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('with every member away, a visitor without a conversation leaves an email from “Talk to a human”', async () => {
  const away = await api(server, 'PUT', '/api/v1/me/availability', { token: owner.token, body: { availability: 'away' } });
  assert.equal(away.status, 200, JSON.stringify(away.body));
  try {
    const page = await visitor(chrome.browser, site);
    const chat = await openLauncher(page);
    await chatInput(chat).waitFor();
    const email = `ben.${Date.now()}@shop.example`;
    const note = unique('Do you sell gift cards?');
    await leaveEmailWhenOffline(chat, { email, note });
    const lead = (await leads()).find((l) => l.email === email);
    assert.ok(lead, `a lead for ${email}`);
    assert.equal(lead.message, note);
    assert.equal(lead.conversation_id ?? null, null);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    const online = await api(server, 'PUT', '/api/v1/me/availability', { token: owner.token, body: { availability: 'online' } });
    assert.equal(online.status, 200, JSON.stringify(online.body));
  }
});

test('the pre-chat form refuses to start without the required answers, and the agent sees them and Capture Lead pre-filled', async () => {
  await putWidgetSettings({ prechat: { enabled: true, name: 'required', email: 'required', phone: 'off' } });
  try {
    const page = await visitor(chrome.browser, site);
    const chat = await openLauncher(page);
    const form = chat.getByTestId('prechat');
    await form.waitFor();
    assert.equal(await chatInput(chat).count(), 0, 'no input bar before the pre-chat form is answered');
    const name = field(form, 'Name');
    const email = field(form, 'Email');
    assert.equal(await form.locator('label.field').count(), 2, 'name and email, no phone');
    const start = form.getByRole('button', { name: 'Start chat' });
    const conversationsBefore = (await api(server, 'GET', '/api/v1/conversations?status=all&limit=100', { token: owner.token })).body.items.length;

    // Nothing filled in: refused, both fields say why.
    await start.click();
    await name.error.filter({ hasText: REQUIRED }).waitFor();
    await email.error.filter({ hasText: REQUIRED }).waitFor();
    assert.equal(await name.input.getAttribute('aria-invalid'), 'true');
    assert.equal(await email.input.getAttribute('aria-invalid'), 'true');

    // The name only: still refused, for the email.
    await name.input.fill('Ana Visitor');
    await start.click();
    await name.error.waitFor({ state: 'detached' });
    await email.error.filter({ hasText: REQUIRED }).waitFor();
    // Not an email address: refused again.
    await email.input.fill('ana@shop');
    await start.click();
    await email.error.filter({ hasText: INVALID_EMAIL }).waitFor();
    assert.equal(await chatInput(chat).count(), 0);
    await form.waitFor();
    const conversationsNow = (await api(server, 'GET', '/api/v1/conversations?status=all&limit=100', { token: owner.token })).body.items.length;
    assert.equal(conversationsNow, conversationsBefore, 'a refused form starts no conversation');

    // Both answered: the chat starts.
    const address = `ana.${Date.now()}@shop.example`;
    await email.input.fill(address);
    await start.click();
    await chatInput(chat).waitFor();
    await form.waitFor({ state: 'detached' });
    const question = unique('Which beans for espresso?');
    await sayAndWait(chat, question);
    const id = await conversationWith(server, owner.token, question);
    const detail = await api(server, 'GET', `/api/v1/conversations/${id}`, { token: owner.token });
    assert.equal(detail.body.visitor.name, 'Ana Visitor');
    assert.equal(detail.body.visitor.email, address);

    // The agent's panel shows the answers, and Capture Lead starts from them.
    const agent = await newPage(chrome.browser);
    await signIn(agent, server, server.email, server.password);
    await agent.waitForURL(/\/overview$/);
    await agent.goto(server.url + '/conversations');
    await agent.locator(`[data-testid="conversation-row"][data-id="${id}"]`).click();
    const panel = agent.getByTestId('detail-panel');
    await panel.getByTestId('detail-visitor').filter({ hasText: 'Ana Visitor' }).waitFor();
    const facts = panel.getByTestId('visitor-facts');
    await facts.locator('.fact').filter({ has: agent.locator('dt', { hasText: 'Email' }) }).locator('dd', { hasText: address }).waitFor();
    await panel.getByTestId('capture-lead').click();
    const leadForm = agent.getByTestId('lead-form');
    await leadForm.waitFor();
    assert.equal(await leadForm.getByTestId('lead-email').inputValue(), address);
    assert.equal(await leadForm.getByTestId('lead-name').inputValue(), 'Ana Visitor');

    assert.deepEqual(page.errors, []);
    assert.deepEqual(agent.errors, []);
    await agent.context().close();
    await page.context().close();
  } finally {
    await putWidgetSettings({});
  }
});
