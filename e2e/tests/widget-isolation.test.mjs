// The chat widget on pages it does not control: a host page whose CSS unsets everything and
// covers the page with huge z-indexes, and whose script replaced `WebSocket` and `fetch` before
// the loader ran, still gets a working chat; a site the workspace did not list gets no widget
// and a console message saying why. Then how it looks: the closed launcher with an unread
// badge, a phone's full-screen chat, and the dark theme (screenshots in e2e/screenshots/).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { api } from './support.mjs';
import {
  agentReply, bubbles, chatFrame, closeWorld, conversationWith, openChat, openWorld, sayAndWait, unique, visitor,
} from './widget-support.mjs';

const shots = resolve(import.meta.dirname, '..', 'screenshots');
mkdirSync(shots, { recursive: true });

const GREETING = 'Hi! How can we help you today?';

/**
 * A hostile host page: CSS that unsets every element's styles, full-page covers with the
 * largest z-index (before the snippet, as a site's own markup is, and one added after the
 * widget), and a script that replaces
 * `WebSocket` and `fetch` with functions that throw, run before the loader.
 */
const HOSTILE_HEAD = `<style>
  * { all: unset !important; }
  .cover { display: block !important; position: fixed !important; inset: 0 !important; z-index: 2147483647 !important; background: rgba(220, 38, 38, .18) !important; }
  .banner { display: block !important; position: fixed !important; left: 0 !important; right: 0 !important; bottom: 0 !important; height: 140px !important; z-index: 999999999 !important; background: #111 !important; color: #fff !important; }
</style>
<script>
  // And one more cover, added after everything else (the widget included), as late pop-ups are.
  addEventListener('load', () => setTimeout(() => {
    const late = document.createElement('div');
    late.className = 'cover late';
    document.body.appendChild(late);
  }, 500));
  window.WebSocket = function () { throw new Error('hostile page: no WebSocket for you'); };
  window.fetch = function () { throw new Error('hostile page: no fetch for you'); };
</script>`;
const HOSTILE_BODY = '<div class="cover"></div><div class="banner">We use cookies. Lots of them.</div>';

let server;
let chrome;
let owner;
let site;

before(async () => {
  ({ server, chrome, owner, site } = await openWorld());
  site.add('/hostile', { title: 'Hostile Coffee', head: HOSTILE_HEAD, body: HOSTILE_BODY });
});

after(() => closeWorld({ server, chrome, site }));

/** Replaces the widget settings (`{}` restores the defaults). */
async function putWidgetSettings(body) {
  const saved = await api(server, 'PUT', '/api/v1/settings/widget', { token: owner.token, body });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
}

/** Waits for a console message matching `pattern` (one logged before the call counts too). */
async function consoleMessage(page, pattern, timeout = 10_000) {
  const waiting = page.waitForEvent('console', { predicate: (m) => pattern.test(m.text()), timeout });
  const earlier = page.messages.find((m) => pattern.test(m.text()));
  if (earlier) {
    waiting.catch(() => {});
    return earlier;
  }
  return waiting;
}

/** The launcher (in the loader's shadow root, which locators pierce). */
function launcher(page) {
  return page.locator('button[aria-expanded]');
}

test('a hostile host page (CSS unset, z-index covers, WebSocket and fetch replaced) still gets a working chat', async () => {
  const page = await visitor(chrome.browser, site, { path: '/hostile' });
  // The page's own markup is unstyled and covered, as the page wants.
  assert.equal(await page.locator('.cover').evaluate((e) => getComputedStyle(e).zIndex), '2147483647');

  // The launcher keeps its own look and sits on top, even of a cover added after it: a real
  // click reaches it.
  const button = page.getByRole('button', { name: /Open chat/ });
  await button.waitFor();
  await page.locator('.cover.late').waitFor({ state: 'attached' });
  assert.equal(await page.evaluate(() => document.body.lastElementChild.className), 'cover late');
  const box = await button.boundingBox();
  assert.deepEqual([Math.round(box.width), Math.round(box.height)], [60, 60]);
  assert.deepEqual([Math.round(box.x + box.width), Math.round(box.y + box.height)], [1280 - 20, 720 - 20]);
  assert.equal(await button.evaluate((b) => getComputedStyle(b).borderRadius), '50%');
  const chat = await openChat(page);
  await chat.getByText(GREETING).waitFor();

  // Send: the message is stored and gets its tick.
  const text = unique('Hello from a page that broke fetch');
  await sayAndWait(chat, text);
  const id = await conversationWith(server, owner.token, text);
  // The agents see the visitor on that page (reported by the chat, since the loader has no
  // socket of its own here).
  const live = await api(server, 'GET', '/api/v1/visitors/live', { token: owner.token });
  const here = live.body.find((v) => v.conversation_id === id);
  assert.ok(here, 'the visitor is among the live visitors');
  assert.equal(here.page_url, site.url + '/hostile');
  assert.equal(here.page_title, 'Hostile Coffee');

  // The page's replacements were never called by the widget: no uncaught error.
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: resolve(shots, 'widget-hostile-host.png') });

  // Closing works too, from the chat's own button.
  await chat.getByRole('button', { name: 'Close chat' }).click();
  await page.getByRole('button', { name: /Open chat/ }).waitFor();
  assert.equal(await page.locator('iframe[title]').isHidden(), true);
  await page.context().close();
});

test('a host page that replaced fetch still gets the business’s launcher settings', async () => {
  await putWidgetSettings({ title: 'Ask Northwind', accent_color: '#0f766e', position: 'bottom_left' });
  try {
    const page = await visitor(chrome.browser, site, { path: '/hostile' });
    const button = launcher(page);
    await button.waitFor();
    assert.equal(await button.getAttribute('aria-label'), 'Open chat: Ask Northwind');
    assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(15, 118, 110)');
    const box = await button.boundingBox();
    assert.equal(Math.round(box.x), 20, 'the launcher sits bottom left');
    const chat = await openChat(page);
    await chat.getByRole('heading', { name: 'Ask Northwind' }).waitFor();
    await page.context().close();
  } finally {
    await putWidgetSettings({});
  }
});

test('a site the workspace did not list gets no widget, and the console says why', async () => {
  await putWidgetSettings({ allowed_origins: ['https://shop.example'] });
  try {
    const page = await visitor(chrome.browser, site);
    const warning = await consoleMessage(page, /^Switchboard chat:/);
    assert.equal(warning.type(), 'warning');
    assert.match(warning.text(), new RegExp(`does not allow its chat widget on ${site.url.replace(/[.:/]/g, '\\$&')}`));
    assert.match(warning.text(), /Allowed origins/);
    // The refusal is final: the loader drew nothing and made no frame.
    assert.equal(await launcher(page).count(), 0);
    assert.equal(await page.locator('iframe').count(), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    await putWidgetSettings({});
  }
});

test('an unlisted site whose page replaced fetch gets no widget either, and the console says why', async () => {
  await putWidgetSettings({ allowed_origins: ['https://shop.example'] });
  try {
    const page = await visitor(chrome.browser, site, { path: '/hostile' });
    // Whichever comes first: the refusal on the console (right) or a launcher (wrong).
    const first = await Promise.race([
      consoleMessage(page, /^Switchboard chat:.*does not allow its chat widget/),
      launcher(page).waitFor({ state: 'attached' }).then(() => 'launcher'),
    ]);
    assert.equal(await launcher(page).count(), 0, 'no launcher on an unlisted site');
    assert.equal(await page.locator('iframe').count(), 0, 'no chat frame on an unlisted site');
    assert.notEqual(first, 'launcher');
    assert.match(first.text(), new RegExp(`on ${site.url.replace(/[.:/]/g, '\\$&')}`));
    await page.context().close();
  } finally {
    await putWidgetSettings({});
  }
});

test('screenshot: the closed launcher counts the replies that arrive while the chat is closed', async () => {
  await putWidgetSettings({ unread_in_title: true });
  try {
    const page = await visitor(chrome.browser, site);
    const chat = await openChat(page);
    const question = unique('Is the Ethiopia roast in stock?');
    await sayAndWait(chat, question);
    const id = await conversationWith(server, owner.token, question);

    // Closed with the launcher: the chat hides, no badge yet.
    await launcher(page).click();
    await page.getByRole('button', { name: /Open chat/ }).waitFor();
    assert.equal(await page.locator('iframe[title]').isHidden(), true);
    const badge = launcher(page).locator('span');
    assert.equal(await badge.textContent(), '');

    const first = unique('Yes, 12 bags left.');
    const second = unique('Want me to reserve one?');
    await agentReply(server, owner.token, id, first);
    await badge.filter({ hasText: /^1$/ }).waitFor();
    await page.waitForFunction(() => document.title === '(1) Northwind Coffee');
    await agentReply(server, owner.token, id, second, { join: false });
    await badge.filter({ hasText: /^2$/ }).waitFor();
    await page.waitForFunction(() => document.title === '(2) Northwind Coffee');
    await page.screenshot({ path: resolve(shots, 'widget-closed-unread.png') });

    // Opening reads them: the badge and the title's count go.
    await launcher(page).click();
    await chatFrame(page).locator('.row.them').filter({ hasText: second }).waitFor();
    assert.deepEqual(await bubbles(chat), [GREETING, question, first, second]);
    await page.waitForFunction(() => document.title === 'Northwind Coffee');
    await launcher(page).click();
    assert.equal(await badge.textContent(), '');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    await putWidgetSettings({});
  }
});

/** A visitor with a short conversation, the chat open: a question, the agent's answer. */
async function chatWithAnswer(options) {
  const page = await visitor(chrome.browser, site, options);
  const chat = await openChat(page);
  const question = unique('Can I get the beans ground for a French press?');
  await sayAndWait(chat, question);
  const id = await conversationWith(server, owner.token, question);
  const answer = 'Of course — just pick “coarse” at checkout.';
  await agentReply(server, owner.token, id, answer);
  await chat.locator('.row.them').filter({ hasText: answer }).waitFor();
  await chat.getByTestId('subtitle').filter({ hasText: "You're chatting with" }).waitFor();
  return { page, chat };
}

test('screenshot: on a phone the open chat fills the screen, and its own button closes it', async () => {
  const { page, chat } = await chatWithAnswer({ viewport: { width: 360, height: 740 } });
  const box = await page.locator('iframe[title]').boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 360, 740]);
  // The launcher would sit on the input bar: it is hidden while the chat is open.
  assert.equal(await launcher(page).isHidden(), true);
  // Nothing in the chat is wider than the screen.
  assert.equal(await chat.locator('body').evaluate((b) => document.documentElement.scrollWidth <= innerWidth && b.scrollWidth <= innerWidth), true);
  await page.screenshot({ path: resolve(shots, 'widget-phone-open.png') });

  await chat.getByRole('button', { name: 'Close chat' }).click();
  await page.getByRole('button', { name: /Open chat/ }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshot: the open chat in the dark theme', async () => {
  const { page, chat } = await chatWithAnswer({ colorScheme: 'dark' });
  const colours = await chat.locator('.panel').evaluate((panel) => ({
    panel: getComputedStyle(panel).backgroundColor,
    text: getComputedStyle(document.body).color,
  }));
  assert.deepEqual(colours, { panel: 'rgb(17, 24, 39)', text: 'rgb(249, 250, 251)' });
  await page.screenshot({ path: resolve(shots, 'widget-open-dark.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
