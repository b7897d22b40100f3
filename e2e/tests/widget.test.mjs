// The chat widget as a business's visitors meet it: a host page on another origin embeds the
// one script tag; the visitor opens the launcher and chats in the iframe; an agent answers from
// the dashboard in a browser of their own; the conversation is resolved and rated.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { newPage, signIn } from './support.mjs';
import { closeWorld, openChat, openWorld, say, visitor } from './widget-support.mjs';

const shots = resolve(import.meta.dirname, '..', 'screenshots');
mkdirSync(shots, { recursive: true });

let server;
let chrome;
let owner;
let site;

before(async () => {
  ({ server, chrome, owner, site } = await openWorld());
});

after(() => closeWorld({ server, chrome, site }));

test('a visitor chats on a business’s site, an agent joins and answers, resolves, and the visitor rates', async () => {
  const page = await visitor(chrome.browser, site);
  // The launcher is there; the chat's frame is not created before any intent.
  await page.getByRole('button', { name: /Open chat/ }).waitFor();
  assert.equal(await page.locator('iframe').count(), 0);

  const chat = await openChat(page);
  await chat.getByText('Hi! How can we help you today?').waitFor();
  await say(chat, 'Do you ship to Austria?');
  const mine = chat.locator('.row.mine').filter({ hasText: 'Do you ship to Austria?' });
  const tick = mine.locator('.tick');
  await tick.waitFor();
  assert.equal(await tick.getAttribute('aria-label'), 'Sent', 'nobody on the team has seen it yet');

  // The agent sees the conversation and the live visitor, joins and replies.
  const agent = await newPage(chrome.browser);
  await signIn(agent, server, server.email, server.password);
  await agent.waitForURL(/\/overview$/);
  await agent.goto(server.url + '/conversations');
  const row = agent.getByTestId('conversation-row').first();
  await row.waitFor();
  await row.click();
  // The agent has the thread on screen: the visitor sees their message seen by the team.
  await chat.getByLabel('Seen by the team').waitFor();
  assert.equal(await tick.innerText(), '✓✓');
  await agent.getByTestId('join').click();
  await chat.getByText('joined the conversation').waitFor();
  const composer = agent.locator('#composer-input');
  await composer.fill('Yes, within 3 days.');
  await composer.press('Enter');
  await chat.locator('.row.them').filter({ hasText: 'Yes, within 3 days.' }).waitFor();
  assert.match(await chat.getByTestId('subtitle').textContent(), /You're chatting with/);
  await page.screenshot({ path: resolve(shots, 'widget-open-light.png') });

  // Resolved: the visitor rates, the dashboard shows the rating.
  await agent.getByTestId('resolve').click();
  const rating = chat.getByTestId('rating');
  await rating.waitFor();
  await page.screenshot({ path: resolve(shots, 'widget-rating.png') });
  await rating.getByRole('button', { name: '4 / 5' }).click();
  await rating.getByRole('button', { name: 'Fast' }).click();
  await rating.getByRole('button', { name: 'Send rating' }).click();
  await chat.getByTestId('thanks').waitFor();
  await agent.getByTestId('conversation-row').first().getByLabel('4 out of 5 stars').waitFor({ state: 'attached' });

  assert.deepEqual(page.errors, []);
  assert.deepEqual(agent.errors, []);
  await agent.context().close();
  await page.context().close();
});
