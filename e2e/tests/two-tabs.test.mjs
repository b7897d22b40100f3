// Two tabs of one browser share the session: when its short-lived access token expires, both
// renew it at the same moment. The server answers the slower one "superseded" and that tab
// takes the newer tokens the other stored; both stay signed in and live.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, signIn, startServer } from './support.mjs';

const ACCESS_TOKEN_SECONDS = 8;
let server;
let chrome;

before(async () => {
  server = await startServer({ ACCESS_TOKEN_TTL_SECS: String(ACCESS_TOKEN_SECONDS) });
  chrome = await launchBrowser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

function waitUntilLive(page) {
  return page.waitForFunction(
    () => document.querySelector('[data-testid="live-status"]')?.innerText.trim() === 'Live',
  );
}

test('two tabs renewing the session together both stay signed in', async () => {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Hold every refresh back so the two tabs' requests are certainly in flight together: a tab
  // whose socket closes after the other tab's new tokens are stored adopts them without a refresh
  // of its own (right, but then this test would not see the race). Half a second was once not
  // enough in CI.
  const refreshAnswers = [];
  await context.route('**/api/v1/auth/refresh', async (route) => {
    await new Promise((done) => setTimeout(done, 2000));
    await route.continue();
  });
  context.on('response', (response) => {
    if (response.url().endsWith('/api/v1/auth/refresh')) refreshAnswers.push(response.status());
  });

  const first = await context.newPage();
  await signIn(first, server, server.email, server.password);
  await first.waitForURL(/\/overview$/);
  const second = await context.newPage();
  await second.goto(server.url + '/conversations');
  await Promise.all([waitUntilLive(first), waitUntilLive(second)]);

  // The access token expires; both event sockets are closed with "token expired" and renew.
  await first.waitForTimeout((ACCESS_TOKEN_SECONDS + 3) * 1000);
  await Promise.all([waitUntilLive(first), waitUntilLive(second)]);
  assert.ok(refreshAnswers.includes(200), `a refresh succeeded: ${refreshAnswers}`);
  assert.ok(refreshAnswers.includes(409), `the tabs refreshed together: ${refreshAnswers}`);
  assert.doesNotMatch(first.url(), /\/login/);
  assert.doesNotMatch(second.url(), /\/login/);

  // The session is still good: a reload stays signed in.
  await second.reload();
  await waitUntilLive(second);
  assert.doesNotMatch(second.url(), /\/login/);
  await context.close();
});
