// Shared setup for the chat widget's browser tests: the business's website embedding the
// snippet, a visitor on it in a browser context of their own, and the chat inside its iframe;
// plus the API look-ups that check what the server stored.
import { createServer } from 'node:http';
import { after, before } from 'node:test';
import { api, apiLogin, launchBrowser, startServer } from './support.mjs';

/** The placeholder of the chat's input bar (English). */
export const PLACEHOLDER = 'Write a message…';

/** The one script tag a business puts on its site. */
export function embedSnippet(server, widgetKey) {
  return `<script src="${server.url}/widget.js" data-key="${widgetKey}" async></script>`;
}

/**
 * The business's website: a plain page on its own origin (`localhost` while the server is on
 * `127.0.0.1`) with the embed snippet. `add(path, {title, head, body})` adds a page: `head` is
 * extra markup in `<head>` (before the snippet), `body` extra markup in `<body>` before it.
 * Unknown paths serve `/`.
 */
export function startSite(snippet) {
  const pages = new Map();
  const http = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const page = pages.get(path) ?? pages.get('/');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  return new Promise((done) => http.listen(0, '127.0.0.1', () => {
    const url = `http://localhost:${http.address().port}`;
    const add = (path, { title = 'Northwind Coffee', head = '', body = '' } = {}) => pages.set(path,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head>` +
      `<body><h1>${title}</h1><p>Fresh coffee, roasted weekly.</p>${body}${snippet}</body></html>`);
    add('/');
    done({ url, add, close: () => http.close() });
  }));
}

/**
 * A visitor in a browser context of their own, on `path` of the business's site. The page
 * records uncaught errors in `page.errors` and every console message in `page.messages`.
 */
export async function visitor(browser, site, { viewport = { width: 1280, height: 720 }, colorScheme = 'light', path = '/' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  page.errors = [];
  page.messages = [];
  page.on('pageerror', (error) => page.errors.push(error));
  page.on('console', (message) => page.messages.push(message));
  await page.goto(site.url + path);
  return page;
}

/** The chat's iframe. */
export function chatFrame(page) {
  return page.frameLocator('iframe[title]');
}

/** The chat's input bar. */
export function chatInput(chat) {
  return chat.getByRole('textbox', { name: PLACEHOLDER });
}

/** Opens the chat and resolves with the frame's locator once its input bar is there. */
export async function openChat(page) {
  await page.getByRole('button', { name: /Open chat/ }).click();
  const chat = chatFrame(page);
  await chatInput(chat).waitFor();
  return chat;
}

/** Types `text` into the chat's input bar and sends it with Enter. */
export async function say(chat, text) {
  const input = chatInput(chat);
  await input.fill(text);
  await input.press('Enter');
}

/** The visitor's own stored message with `text` in the chat: its row, with a ✓. */
export function mine(chat, text) {
  return chat.locator('.row.mine:not(.pending)').filter({ hasText: text });
}

/** Says `text` and waits for its delivery tick. */
export async function sayAndWait(chat, text) {
  await say(chat, text);
  await mine(chat, text).locator('.tick').waitFor();
}

/** A text unique to this run, so look-ups by text find only what a test wrote. */
export function unique(text) {
  return `${text} [${Math.random().toString(36).slice(2, 8)}]`;
}

/** Every message of a conversation as stored, in the API's order (oldest first), all pages. */
export async function storedMessages(server, token, conversationId) {
  const pages = [];
  let before = '';
  for (;;) {
    const page = await api(server, 'GET', `/api/v1/conversations/${conversationId}/messages?limit=100${before}`, { token });
    if (page.status !== 200) throw new Error(`messages: ${page.status} ${JSON.stringify(page.body)}`);
    pages.unshift(page.body.items);
    if (!page.body.next_cursor) break;
    before = `&before=${encodeURIComponent(page.body.next_cursor)}`;
  }
  return pages.flat();
}

/** The visitor's messages' texts in a conversation, oldest first. */
export async function visitorTexts(server, token, conversationId) {
  return (await storedMessages(server, token, conversationId))
    .filter((m) => m.sender === 'customer')
    .map((m) => m.body);
}

/**
 * The ids of the conversations that hold a message with exactly `text` (waits up to `timeout`
 * for at least one).
 */
export async function conversationsWith(server, token, text, { timeout = 10_000 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const list = await api(server, 'GET', '/api/v1/conversations?status=all&limit=100', { token });
    if (list.status !== 200) throw new Error(`conversations: ${list.status} ${JSON.stringify(list.body)}`);
    const found = [];
    for (const row of list.body.items) {
      const messages = await storedMessages(server, token, row.id);
      if (messages.some((m) => m.body === text)) found.push(row.id);
    }
    if (found.length || Date.now() > until) return found;
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** The one conversation with a message `text`; fails if there is none or more than one. */
export async function conversationWith(server, token, text) {
  const found = await conversationsWith(server, token, text);
  if (found.length !== 1) throw new Error(`expected one conversation with “${text}”, found ${found.length}`);
  return found[0];
}

/** The texts of the thread's bubbles, top to bottom (the greeting first; pending ones too). */
export function bubbles(chat) {
  return chat.getByTestId('thread').locator('.row .bubble').allInnerTexts();
}

/** The visitor's messages still on their way: their rows, oldest first. */
export function pendingRows(chat) {
  return chat.getByTestId('pending');
}

/**
 * An agent answers over the API: joins the conversation (if `join`) and sends `text`.
 * Resolves with the stored message.
 */
export async function agentReply(server, token, conversationId, text, { join = true } = {}) {
  if (join) {
    const joined = await api(server, 'POST', `/api/v1/conversations/${conversationId}/join`, { token });
    if (joined.status >= 300) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
  }
  const sent = await api(server, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
    token,
    body: { client_message_id: `agent-${Date.now()}-${Math.random()}`, body: text },
  });
  if (sent.status !== 201) throw new Error(`reply: ${sent.status} ${JSON.stringify(sent.body)}`);
  return sent.body;
}

/**
 * What every widget test file starts with: the server, Chromium, the owner signed in over the
 * API, and the business's site embedding the widget of the owner's workspace.
 */
export async function openWorld() {
  const server = await startServer();
  const chrome = await launchBrowser();
  const owner = await apiLogin(server, server.email, server.password);
  const site = await startSite(embedSnippet(server, owner.me.tenant.widget_key));
  return { server, chrome, owner, site };
}

/**
 * `openWorld` before the file's tests and `closeWorld` after them; the returned object holds
 * `server`, `chrome`, `owner` and `site` once the tests run.
 */
export function useWorld() {
  const world = {};
  before(async () => Object.assign(world, await openWorld()));
  after(() => closeWorld(world));
  return world;
}

/** Stops what `openWorld` started (any part of it may be missing after a failed start). */
export async function closeWorld({ server, chrome, site }) {
  site?.close();
  await chrome?.close();
  await server?.stop();
}
