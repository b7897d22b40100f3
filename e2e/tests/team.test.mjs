// The Team page as the owner uses it, with a second person in a browser of their own: invite
// by email (the link shown), the invitee accepts it in their context, appears on the team and
// their availability shows live; the owner makes them an admin, deactivates them (confirmed)
// and their open dashboard is signed out at once; reactivated, they can sign in again. A
// pending invitation can be revoked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newPage, screenshotPath, signIn, signedInOn, useServer } from './support.mjs';

const world = useServer();

const member = (page, email) => page.locator(`[data-testid="member"][data-email="${email}"]`);

test('invite, accept, live availability, role change, deactivate signs them out, reactivate', async () => {
  const owner = await signedInOn(world.chrome.browser, world.server, '/team');
  await owner.getByTestId('members').waitFor();
  await member(owner, world.server.email).getByText('(you)').waitFor();

  // Invite: the form asks for an email first, then shows the link.
  await owner.getByTestId('invite-submit').click();
  await owner.getByText('Enter the email address to invite.').waitFor();
  await owner.getByTestId('invite-email').fill('fay@example.com');
  await owner.getByTestId('invite-submit').click();
  const url = await owner.getByTestId('invite-url').inputValue();
  assert.match(url, /\/accept-invitation\?token=/);
  await owner.getByTestId('invitation').filter({ hasText: 'fay@example.com' }).waitFor();

  // Fay accepts in her own browser and lands on her dashboard.
  const fay = await newPage(world.chrome.browser);
  await fay.goto(url);
  await fay.getByTestId('invite-name').fill('Fay Field');
  await fay.getByTestId('invite-password').fill('fay password 1234');
  await fay.getByTestId('invite-submit').click();
  await fay.waitForURL(/\/overview$/);
  await fay.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();

  await owner.reload();
  const row = member(owner, 'fay@example.com');
  await row.getByText('Fay Field').waitFor();
  assert.equal(await owner.getByTestId('invitation').filter({ hasText: 'fay@example.com' }).count(), 0, 'accepted: no longer pending');
  const before = await row.getByTestId('member-availability').innerText();
  // Fay goes away (or comes back): the owner's page follows without a reload.
  await fay.getByTestId('availability-toggle').click();
  const after = before === 'Online' ? 'Away' : 'Online';
  await row.getByTestId('member-availability').filter({ hasText: after }).waitFor();
  await owner.screenshot({ path: screenshotPath('team-light.png') });

  // The owner makes her an admin.
  await row.getByTestId('member-role').selectOption('admin');
  await owner.getByText('Fay Field is now admin.').waitFor();

  // Deactivate, confirmed: her open dashboard goes to the sign-in screen.
  await row.getByTestId('deactivate').click();
  const dialog = owner.getByTestId('member-dialog');
  await dialog.getByText('Fay Field is signed out at once').waitFor();
  await dialog.getByTestId('confirm-member-action').click();
  await row.getByText('Deactivated').waitFor();
  await fay.waitForURL(/\/login$/, { timeout: 15_000 });
  await signIn(fay, world.server, 'fay@example.com', 'fay password 1234');
  await fay.getByRole('alert').waitFor();
  assert.match(fay.url(), /\/login$/);

  // Reactivated, she signs in again.
  await row.getByTestId('reactivate').click();
  await owner.getByText('Fay Field can sign in again.').waitFor();
  await signIn(fay, world.server, 'fay@example.com', 'fay password 1234');
  await fay.waitForURL(/\/overview$/);
  assert.deepEqual(owner.errors, []);
  await owner.context().close();
  await fay.context().close();
});

test('a pending invitation is revoked; screenshot in the dark theme', async () => {
  const page = await signedInOn(world.chrome.browser, world.server, '/team', { theme: 'dark' });
  await page.getByTestId('members').waitFor();
  await page.getByTestId('invite-email').fill('gus@example.com');
  await page.getByTestId('invite-role').selectOption('admin');
  await page.getByTestId('invite-submit').click();
  const pending = page.getByTestId('invitation').filter({ hasText: 'gus@example.com' });
  await pending.getByText('Admin').waitFor();
  await page.screenshot({ path: screenshotPath('team-dark.png') });
  await pending.getByTestId('revoke-invitation').click();
  await page.getByText('Invitation revoked.').waitFor();
  await pending.waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
