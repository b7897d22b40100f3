// Booking a meeting from the chat: the agent offers two times from the conversation's panel
// (Offer times); the visitor sees them as a grid in the widget and picks one; the pick is their
// message, the meeting is booked (Booked tab, the row's check, the thread's mark), the card
// shows the pick and refuses a second one, and a reload shows the same thread once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, newPage, screenshotPath, signIn } from './support.mjs';
import {
  chatFrame, conversationWith, mine, openChat, sayAndWait, unique, useWorld, visitor,
} from './widget-support.mjs';

const world = useWorld();

/** `YYYY-MM-DDTHH:MM` for tomorrow at `time`, in this machine's time zone (the browsers' too). */
function tomorrowAt(time) {
  const t = new Date(Date.now() + 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${time}`;
}

test('the agent offers times, the visitor picks one in the widget and the conversation is booked', async () => {
  const shopper = await visitor(world.chrome.browser, world.site);
  const chat = await openChat(shopper);
  const question = unique('Could we go through my order on a call?');
  await sayAndWait(chat, question);
  const id = await conversationWith(world.server, world.owner.token, question);

  const agent = await newPage(world.chrome.browser);
  await signIn(agent, world.server, world.server.email, world.server.password);
  await agent.waitForURL(/\/overview$/);
  await agent.goto(`${world.server.url}/conversations/${id}`);
  await agent.getByTestId('join').click();
  await agent.getByTestId('offer-times').click();
  const form = agent.getByTestId('offer-times-form');
  // Nothing typed: the form says so and sends nothing.
  await form.getByTestId('offer-times-submit').click();
  await form.getByTestId('offer-times-error').filter({ hasText: 'Add at least one time.' }).waitFor();
  await form.getByTestId('offer-time').first().fill(tomorrowAt('10:00'));
  await form.getByTestId('offer-add-time').click();
  await form.getByTestId('offer-time').nth(1).fill(tomorrowAt('11:30'));
  await form.getByTestId('offer-length').selectOption('45');
  await form.getByTestId('offer-times-submit').click();
  await agent.getByText('Times sent to the visitor.').waitFor();
  await agent.getByTestId('booking-slots').waitFor();

  // The visitor's card: both times, in their time zone, under the agent's caption.
  const card = chat.getByTestId('booking-slots');
  await card.waitFor();
  await chat.getByText("Which time suits you? Pick one and it's booked.").waitFor();
  const times = card.getByRole('button');
  assert.deepEqual(await times.allInnerTexts(), ['10:00', '11:30']);
  await shopper.screenshot({ path: screenshotPath('widget-booking-offered.png') });
  await times.nth(1).click();
  await mine(chat, '11:30').locator('.tick').waitFor();
  assert.equal(await times.nth(1).getAttribute('aria-pressed'), 'true');
  assert.ok(await times.nth(0).isDisabled(), 'a card takes one pick');
  assert.match(await times.nth(1).getAttribute('aria-label'), /11:30 · Booked$/);
  await shopper.screenshot({ path: screenshotPath('widget-booking-picked.png') });

  // Booked on the server, with the time offered and the length chosen.
  const booked = await api(world.server, 'GET', '/api/v1/conversations?status=booked', { token: world.owner.token });
  assert.deepEqual(booked.body.items.map((c) => c.id), [id]);
  const messages = await api(world.server, 'GET', `/api/v1/conversations/${id}/messages?limit=100`, { token: world.owner.token });
  const offer = messages.body.items.find((m) => m.kind === 'booking_slots');
  const [first, second] = offer.payload.slots;
  assert.equal((new Date(second.starts_at) - new Date(first.starts_at)) / 60_000, 90);
  assert.equal((new Date(second.ends_at) - new Date(second.starts_at)) / 60_000, 45);
  const pick = messages.body.items.find((m) => m.payload?.slots_message_id === offer.id);
  assert.equal(pick.sender, 'customer');
  assert.equal(pick.payload.slot.starts_at, second.starts_at);

  // The agent sees the pick marked in the thread and the row's Booked check.
  await agent.getByTestId('booked-mark').waitFor();
  await agent.goto(`${world.server.url}/conversations?status=booked`);
  await agent.getByTestId('conversation-row').getByTestId('booked').waitFor();
  assert.equal(await agent.getByTestId('conversation-row').count(), 1);

  // A reload shows the same thread once, the pick still on the card.
  await shopper.reload();
  const again = await openChat(shopper);
  const cardAgain = again.getByTestId('booking-slots');
  await cardAgain.waitFor();
  assert.equal(await cardAgain.getByRole('button').nth(1).getAttribute('aria-pressed'), 'true');
  assert.equal(await again.locator('.row.mine').filter({ hasText: '11:30' }).count(), 1);
  assert.equal(await chatFrame(shopper).locator('.row.mine').filter({ hasText: question }).count(), 1);
  assert.deepEqual(shopper.errors, []);
  assert.deepEqual(agent.errors, []);
  await shopper.context().close();
  await agent.context().close();
});
