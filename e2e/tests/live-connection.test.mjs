// The dashboard's event socket: the top bar says "Live"; an availability change made in another
// session shows in the page without a reload; going offline leaves "Live", and coming back
// reconnects and resumes, replaying the change made while the page was offline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, launchBrowser, newPage, signIn, startServer } from './support.mjs';

let server;
let chrome;

before(async () => {
  server = await startServer();
  chrome = await launchBrowser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

/** Waits until the element's visible text satisfies `matches` ('is' or 'is not' `text`). */
function waitForText(page, testid, text, { not = false } = {}) {
  return page.waitForFunction(
    ({ testid, text, not }) => {
      const element = document.querySelector(`[data-testid="${testid}"]`);
      if (!element) return false;
      return (element.innerText.trim() === text) !== not;
    },
    { testid, text, not },
  );
}

/** Waits until the availability switch shows `availability` ('online' or 'away'). */
function waitForAvailability(page, availability) {
  return page.waitForFunction(
    (checked) => document.querySelector('[data-testid="availability-toggle"]')?.getAttribute('aria-checked') === checked,
    String(availability === 'online'),
  );
}

test('the top bar shows live updates, follows other sessions, and resumes after going offline', async () => {
  const page = await newPage(chrome.browser);
  await signIn(page, server, server.email, server.password);
  await page.waitForURL(/\/overview$/);
  await waitForText(page, 'live-status', 'Live');
  // Forgotten by a reload: proves the page follows changes without one.
  await page.evaluate(() => { window.notReloaded = true; });

  // Another session of the same member (another tab or device) changes the availability.
  const login = await api(server, 'POST', '/api/v1/auth/login', { body: { email: server.email, password: server.password } });
  assert.equal(login.status, 200);
  const elsewhere = login.body.access_token;
  const toggle = page.getByTestId('availability-toggle');
  const initial = (await toggle.getAttribute('aria-checked')) === 'true' ? 'online' : 'away';
  const flipped = initial === 'online' ? 'away' : 'online';
  const changed = await api(server, 'PUT', '/api/v1/me/availability', { token: elsewhere, body: { availability: flipped } });
  assert.equal(changed.status, 200);
  await waitForAvailability(page, flipped);

  // The network goes away: the indicator says so.
  await page.context().setOffline(true);
  await waitForText(page, 'live-status', 'Live', { not: true });
  assert.equal((await page.getByTestId('live-status').innerText()).trim(), 'Reconnecting…');

  // A change made while this page is offline arrives once it reconnects (resume with `since`).
  const changedBack = await api(server, 'PUT', '/api/v1/me/availability', { token: elsewhere, body: { availability: initial } });
  assert.equal(changedBack.status, 200);
  await page.context().setOffline(false);
  await waitForText(page, 'live-status', 'Live');
  await waitForAvailability(page, initial);

  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
