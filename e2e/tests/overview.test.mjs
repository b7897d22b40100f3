// The Overview after a scripted day of conversations over the visitor socket (5 sessions, 3
// resolved, 2 rated 4 and 5, 1 booking, 2 asking for a human, 1 agent reply): the owner's
// eight cards show exactly those figures, the Sessions chart's last day matches with its
// tooltip, and a new chat moves the figures live. An agent's four cards count their own work,
// and each quick action opens the Conversations page on the matching list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addMember, api, apiLogin, openVisitor, screenshotPath, signedInOn, useServer,
} from './support.mjs';

const world = useServer(scriptedDay);
const conversations = [];
let agent;

async function call(method, path, body, token = world.owner.token) {
  const answer = await api(world.server, method, path, { token, body });
  assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Five visitors and what the team did with their conversations. */
async function scriptedDay({ server, chrome, owner }) {
  agent = await addMember(server, owner.token, { email: 'eli.agent@example.com', name: 'Eli Agent' });
  for (let i = 0; i < 5; i++) {
    const visitor = await openVisitor(chrome.browser, server, owner.me.tenant.widget_key);
    const ack = await visitor.say(`Question number ${i + 1}`);
    conversations.push({ id: ack.conversation_id, visitor });
  }
  const [a, b, c, d] = conversations;
  for (const { visitor } of [d, conversations[4]]) {
    await visitor.send({ type: 'request_agent' });
    await visitor.waitFor((f) => f.type === 'agent_requested');
  }
  await call('POST', `/api/v1/conversations/${a.id}/join`);
  await call('POST', `/api/v1/conversations/${a.id}/messages`, { client_message_id: 'reply-1', body: 'Happy to help!' });
  for (const { id } of [a, b, c]) await call('POST', `/api/v1/conversations/${id}/resolve`);
  await call('POST', `/api/v1/conversations/${b.id}/bookings`, { starts_at: new Date(Date.now() + 86_400_000).toISOString() });
  for (const [{ visitor }, stars] of [[a, 4], [b, 5]]) {
    await visitor.send({ type: 'rating', stars });
    await visitor.waitFor((f) => f.type === 'rating_saved');
  }
  // The agent takes the fourth (which asked for a human).
  const eli = await apiLogin(server, agent.email, agent.password);
  await call('POST', `/api/v1/conversations/${d.id}/join`, undefined, eli.token);
  for (const { visitor } of conversations) await visitor.close();
}

const card = (page, testid) => page.getByTestId(testid).getByTestId('stat-value');

test('the owner’s eight cards and charts show the day exactly, and move live', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/overview');
  await page.getByTestId('team-cards').waitFor();
  const expected = {
    'card-total-sessions': '5',
    'card-messages-sent': '1',
    'card-bookings': '1',
    'card-resolved': '3',
    'card-documents': '0',
    'card-resolution-rate': '60%',
    'card-average-rating': '4.5',
    'card-agent-requests': '2',
  };
  for (const [testid, value] of Object.entries(expected)) {
    assert.equal(await card(page, testid).innerText(), value, testid);
  }
  const sessions = page.getByTestId('chart-sessions');
  assert.equal(await sessions.getByTestId('chart-total').innerText(), '5');
  const bars = sessions.locator('rect.chart-bar');
  assert.equal(await bars.count(), 14);
  const today = bars.last();
  assert.match(await today.getAttribute('aria-label'), /: 5 sessions$/);
  await today.hover();
  await sessions.getByTestId('chart-tooltip').filter({ hasText: '5 sessions' }).waitFor();
  // The keyboard reaches the bars too.
  await bars.nth(12).focus();
  await sessions.getByTestId('chart-tooltip').filter({ hasText: '0 sessions' }).waitFor();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath('overview-light.png') });

  // A new chat: the figures follow without a reload.
  const visitor = await openVisitor(world.chrome.browser, world.server, world.owner.me.tenant.widget_key);
  await visitor.say('One more question');
  await card(page, 'card-total-sessions').filter({ hasText: /^6$/ }).waitFor();
  assert.equal(await card(page, 'card-resolution-rate').innerText(), '50%');
  await visitor.close();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshot: the Overview in the dark theme', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/overview', { theme: 'dark' });
  await page.getByTestId('chart-bookings').waitFor();
  await page.screenshot({ path: screenshotPath('overview-dark.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an agent’s four cards count their own work and open the matching lists', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/overview', agent);
  await page.getByTestId('agent-cards').waitFor();
  // Open: the one Eli took; none resolved by Eli; unassigned and open: the fifth and the
  // late one of the first test; needing a human: the fifth (the fourth is Eli's now).
  assert.equal(await card(page, 'card-my-open').innerText(), '1');
  assert.equal(await card(page, 'card-resolved-by-me').innerText(), '0');
  assert.equal(await card(page, 'card-open-queue').innerText(), '2');
  assert.equal(await card(page, 'card-needs-agent').innerText(), '1');
  await page.screenshot({ path: screenshotPath('overview-agent.png') });

  const lists = [
    ['card-my-open', /\/conversations\?status=open&assignee=me$/, 1, 'Assigned to me'],
    ['card-open-queue', /\/conversations\?status=open&assignee=none$/, 2, 'Unassigned'],
    ['card-needs-agent', /\/conversations\?status=needs_agent$/, 1, null],
  ];
  for (const [testid, url, rows, chip] of lists) {
    await page.goto(`${world.server.url}/overview`);
    await page.getByTestId(testid).getByTestId('card-action').click();
    await page.waitForURL(url);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="conversation-row"]').length === n, rows);
    if (chip) await page.getByTestId('assignee-filter').getByText(chip).waitFor();
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
