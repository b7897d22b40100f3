// The chat widget when the visitor's page comes and goes: a reload and navigations in the
// middle of a conversation keep the history, each message once; messages written while offline
// wait as pending, survive a reload while the server cannot be reached, and are delivered
// exactly once, in order, when the connection is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  agentReply, bubbles, closeWorld, conversationWith, conversationsWith, mine, openChat, openWorld, pendingRows, say, sayAndWait, storedMessages, unique, visitor, visitorTexts,
} from './widget-support.mjs';

const GREETING = 'Hi! How can we help you today?';
const RECONNECTING = /Reconnecting…/;

let server;
let chrome;
let owner;
let site;

before(async () => {
  ({ server, chrome, owner, site } = await openWorld());
  site.add('/menu', { title: 'Our menu', body: '<p>Espresso, flat white, filter.</p>' });
});

after(() => closeWorld({ server, chrome, site }));

/** The thread shows exactly `expected` (greeting first), once each, in order. */
async function threadIs(chat, expected) {
  // The history arrives with the socket's welcome: wait for its newest message first.
  await chat.getByTestId('thread').locator('.row .bubble').filter({ hasText: expected.at(-1) }).first().waitFor();
  assert.deepEqual(await bubbles(chat), expected);
}

test('a reload and navigations mid-conversation keep the history, each message shown and stored once', async () => {
  const page = await visitor(chrome.browser, site);
  let chat = await openChat(page);
  const first = unique('Do you roast decaf?');
  const second = unique('And do you grind it for a moka pot?');
  const third = unique('Great, one bag please');
  await sayAndWait(chat, first);
  const id = await conversationWith(server, owner.token, first);
  const reply = unique('Yes, every Tuesday.');
  await agentReply(server, owner.token, id, reply);
  await chat.locator('.row.them').filter({ hasText: reply }).waitFor();
  await sayAndWait(chat, second);
  await threadIs(chat, [GREETING, first, reply, second]);

  // A reload: the conversation is going, so the chat comes back with its whole thread.
  await page.reload();
  chat = await openChat(page);
  await threadIs(chat, [GREETING, first, reply, second]);
  assert.equal(await pendingRows(chat).count(), 0);
  await sayAndWait(chat, third);
  await threadIs(chat, [GREETING, first, reply, second, third]);

  // Another page of the site (a full navigation).
  await page.goto(site.url + '/menu');
  await page.getByRole('heading', { name: 'Our menu' }).waitFor();
  chat = await openChat(page);
  await threadIs(chat, [GREETING, first, reply, second, third]);

  // An in-site navigation (history.pushState): the frame is kept, not reloaded or redrawn.
  await chat.getByTestId('thread').evaluate((thread) => { thread.dataset.kept = 'yes'; });
  await page.evaluate(() => history.pushState({}, '', '/checkout'));
  await page.waitForURL(/\/checkout$/);
  assert.equal(await chat.getByTestId('thread').getAttribute('data-kept'), 'yes');
  assert.deepEqual(await bubbles(chat), [GREETING, first, reply, second, third]);
  // And back to the home page with the browser's Back (a full navigation again).
  await page.goBack();
  await page.goBack();
  await page.waitForURL(site.url + '/');
  chat = await openChat(page);
  await threadIs(chat, [GREETING, first, reply, second, third]);

  // Stored once each, in one conversation.
  assert.deepEqual(await conversationsWith(server, owner.token, first), [id]);
  const stored = await storedMessages(server, owner.token, id);
  assert.deepEqual(stored.filter((m) => m.sender === 'customer').map((m) => m.body), [first, second, third]);
  assert.deepEqual(stored.filter((m) => m.sender === 'agent').map((m) => m.body), [reply]);
  assert.equal(new Set(stored.map((m) => m.id)).size, stored.length);

  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('messages written offline wait as pending, survive a reload while the server is unreachable, and are delivered once, in order', async () => {
  const page = await visitor(chrome.browser, site);
  const context = page.context();
  let chat = await openChat(page);
  const before = unique('Is the shop open on Sunday?');
  await sayAndWait(chat, before);
  const id = await conversationWith(server, owner.token, before);

  // The network goes: the two messages show as pending, none is stored.
  const one = unique('I would like to pick up an order');
  const two = unique('Around 10 am, if that works');
  await context.setOffline(true);
  await say(chat, one);
  await say(chat, two);
  await pendingRows(chat).nth(1).waitFor();
  assert.deepEqual(await pendingRows(chat).locator('.bubble').allInnerTexts(), [one, two]);
  assert.deepEqual(await pendingRows(chat).locator('.meta').allInnerTexts(), ['Sending…', 'Sending…']);
  assert.equal(await mine(chat, one).count(), 0);

  // The chat's server stays unreachable: every new visitor socket is refused. (Chromium keeps an
  // established WebSocket through `setOffline` and would deliver what was written into it once
  // back online; the restart drops those connections, as a real outage does.)
  const refused = [];
  let unreachable = true;
  await context.routeWebSocket(/\/api\/widget\/v1\/ws/, (ws) => {
    if (!unreachable) return ws.connectToServer();
    refused.push(ws.url());
    ws.close({ code: 1011, reason: 'unreachable' });
  });
  await server.restart();
  await context.setOffline(false);
  await chat.getByText(RECONNECTING).waitFor();
  assert.deepEqual(await visitorTexts(server, owner.token, id), [before]);

  // A reload while unreachable: the chat comes back with both still pending.
  await page.reload();
  chat = await openChat(page);
  await chat.getByText(RECONNECTING).waitFor();
  // The outbox is read with the chat's first render, so the rows are there with the input bar.
  assert.deepEqual(
    await pendingRows(chat).locator('.bubble').allInnerTexts(),
    [one, two],
    'the messages written offline are still shown as pending after the reload',
  );
  assert.ok(refused.length > 0, 'the chat tried to reconnect and was refused');
  assert.deepEqual(await visitorTexts(server, owner.token, id), [before]);

  // Back: sockets go through to the server again (the route lets them pass rather than being
  // removed: Playwright's stand-in WebSocket, left in the page by `unrouteAll`, would never
  // connect), the widget's backoff reconnects and resends; each is stored once.
  unreachable = false;
  await mine(chat, two).locator('.tick').waitFor({ timeout: 45_000 });
  await mine(chat, one).locator('.tick').waitFor();
  await pendingRows(chat).first().waitFor({ state: 'detached' });
  await chat.getByText(RECONNECTING).waitFor({ state: 'detached' });
  await threadIs(chat, [GREETING, before, one, two]);
  assert.deepEqual(await visitorTexts(server, owner.token, id), [before, one, two]);

  // Another reload: the thread as stored, nothing resent.
  await page.reload();
  chat = await openChat(page);
  await threadIs(chat, [GREETING, before, one, two]);
  assert.equal(await pendingRows(chat).count(), 0);
  assert.deepEqual(await visitorTexts(server, owner.token, id), [before, one, two]);

  assert.deepEqual(page.errors, []);
  await context.close();
});
