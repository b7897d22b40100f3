// Photos, files and voice notes from the visitor's chat: a file the server would refuse is
// explained before any upload; a photo is previewed, sent with its caption and shown in the
// thread; a voice note is recorded from the (fake) microphone with a running timer and sent on
// Stop; the team gets each as a stored attachment of the conversation.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import {
  chatInput, closeWorld, conversationWith, openChat, openWorld, sayAndWait, storedMessages, unique, visitor,
} from './widget-support.mjs';

const shots = resolve(import.meta.dirname, '..', 'screenshots');
mkdirSync(shots, { recursive: true });

// A 2×2 red PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

let server;
let chrome;
let owner;
let site;

before(async () => {
  ({ server, chrome, owner, site } = await openWorld());
});

after(() => closeWorld({ server, chrome, site }));

test('a refused file is explained before uploading; a photo and a voice note are sent and stored', async () => {
  const page = await visitor(chrome.browser, site);
  const chat = await openChat(page);
  const hello = unique('Here is the damaged bag');
  await sayAndWait(chat, hello);
  const id = await conversationWith(server, owner.token, hello);
  const files = chat.getByTestId('file-input');

  // An SVG is refused in plain words, with nothing picked.
  await files.setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg/>') });
  await chat.getByRole('alert').filter({ hasText: 'images must be JPEG, PNG, GIF or WebP' }).waitFor();
  assert.equal(await chat.getByTestId('chosen').count(), 0);

  // A photo: previewed above the input, sent with its caption, shown in the thread.
  await files.setInputFiles({ name: 'bag.png', mimeType: 'image/png', buffer: PNG });
  const chosen = chat.getByTestId('chosen');
  await chosen.getByText('bag.png').waitFor();
  assert.equal(await chosen.locator('img').count(), 1);
  assert.equal(await chat.getByRole('alert').count(), 0, 'the refusal is gone once a good file is picked');
  const caption = unique('The seam is torn');
  await chatInput(chat).fill(caption);
  await chatInput(chat).press('Enter');
  const photo = chat.locator('.row.mine:not(.pending)').filter({ hasText: caption });
  await photo.locator('.tick').waitFor();
  await photo.locator('img').waitFor();
  assert.equal(await chosen.count(), 0);
  assert.ok(await photo.locator('img').evaluate((img) => img.complete && img.naturalWidth === 2), 'the photo loads from its signed link');

  // A voice note: the timer runs, Stop sends it.
  await chat.getByTestId('record').click();
  const recording = chat.getByTestId('recording');
  await recording.getByText('0:01').waitFor();
  await chat.getByTestId('record-stop').click();
  await chat.locator('.row.mine:not(.pending) audio').waitFor();
  await page.screenshot({ path: resolve(shots, 'widget-attachments.png') });

  const stored = await storedMessages(server, owner.token, id);
  const image = stored.find((m) => m.body === caption);
  assert.equal(image?.attachment?.kind, 'image');
  assert.equal(image.attachment.filename, 'bag.png');
  const voice = stored.find((m) => m.attachment?.kind === 'voice');
  assert.ok(voice, 'the voice note is stored');
  assert.ok(voice.attachment.duration_ms >= 1000, `recorded for ${voice.attachment.duration_ms} ms`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
