// The Reviews page as an admin uses it: the last 30 days' average, count and distribution;
// every rating with its stars, feedback, comment, visitor and agent; filters by stars and by
// feedback kept in the URL; a rating given meanwhile appears live and updates the summary. An
// agent is told Reviews is for admins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addMember, api, openVisitor, screenshotPath, signedInOn, useServer,
} from './support.mjs';

const world = useServer(async () => {
  await rate(5, ['Fast'], 'Answered in a minute, thank you!');
  await rate(4, ['Helpful', 'Fast'], 'Good advice on the grinder.', { join: true });
});

/** A visitor writes and rates their conversation; with `join`, the owner handled it first. */
async function rate(stars, categories, comment, { join = false } = {}) {
  const visitor = await openVisitor(world.chrome.browser, world.server, world.owner.me.tenant.widget_key);
  const ack = await visitor.say(`A question worth ${stars} stars`);
  if (join) {
    const joined = await api(world.server, 'POST', `/api/v1/conversations/${ack.conversation_id}/join`, { token: world.owner.token });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
  }
  await visitor.send({ type: 'rating', stars, categories, comment });
  await visitor.waitFor((f) => f.type === 'rating_saved');
  await visitor.close();
}

async function onReviews(query = '', { theme = 'light' } = {}) {
  const page = await signedInOn(world.chrome.browser, world.server, `/reviews${query}`, { theme });
  await page.getByTestId('review-summary').waitFor();
  await page.getByTestId('review-list').or(page.getByTestId('reviews-empty')).waitFor();
  return page;
}

const shownStars = (page) => page.getByTestId('review').locator('[data-testid="stars"]')
  .evaluateAll((els) => els.map((e) => Number(e.dataset.stars)));

test('the summary, the ratings and the filters; a new rating arrives live', async () => {
  const page = await onReviews();
  assert.equal(await page.getByTestId('review-average').innerText(), '4.5');
  assert.equal(await page.getByTestId('review-count').innerText(), '2 ratings in the last 30 days');
  assert.deepEqual(await shownStars(page), [4, 5]);
  const handled = page.getByTestId('review').first();
  await handled.getByText('Good advice on the grinder.').waitFor();
  await handled.getByText('handled by Demo Owner').waitFor();
  await handled.getByText('Helpful').waitFor();
  await page.screenshot({ path: screenshotPath('reviews-light.png') });

  await page.getByTestId('reviews-stars').selectOption('5');
  await page.waitForURL(/\/reviews\?stars=5$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="review"]').length === 1);
  assert.deepEqual(await shownStars(page), [5]);
  await page.getByTestId('reviews-stars').selectOption('');
  await page.getByTestId('reviews-category').selectOption('Helpful');
  await page.waitForURL(/\/reviews\?category=Helpful$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="review"]').length === 1);
  assert.deepEqual(await shownStars(page), [4]);
  await page.reload();
  await page.getByTestId('review-list').waitFor();
  assert.equal(await page.getByTestId('reviews-category').inputValue(), 'Helpful');
  await page.getByTestId('reviews-stars').selectOption('1');
  await page.getByTestId('reviews-empty').getByText('No reviews match these filters').waitFor();

  // A rating given now: on the list and in the summary without a reload.
  await page.goto(`${world.server.url}/reviews`);
  await page.getByTestId('review-list').waitFor();
  await rate(2, [], 'Took a while to get an answer.');
  await page.getByTestId('review').first().getByText('Took a while to get an answer.').waitFor();
  await page.getByTestId('review-count').filter({ hasText: '3 ratings' }).waitFor();
  assert.equal(await page.getByTestId('review-average').innerText(), '3.7');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshot: Reviews in the dark theme', async () => {
  const page = await onReviews('', { theme: 'dark' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: screenshotPath('reviews-dark.png') });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an agent is told Reviews is for admins', async () => {
  const agent = await addMember(world.server, world.owner.token, { email: 'dee.agent@example.com', name: 'Dee Agent' });
  const page = await signedInOn(world.chrome.browser, world.server, '/reviews', agent);
  await page.getByTestId('no-access').getByText('Reviews is available to admins and the owner.').waitFor();
  assert.equal(await page.getByTestId('review-summary').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
