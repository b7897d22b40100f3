// The chat widget's timings in Debian's Chromium against the real server (target/debug/api) and
// the built widget, with the business's site on its own origin, as a visitor meets them. A
// benchmark, never a test: it prints its figures and exits 0; non-zero only when something
// breaks (a page error, a launcher or a tick that never comes).
//
//   1. Launcher: the host page's load event → the launcher button in the page, in N fresh
//      browser contexts (nothing cached, no visitor token).
//   2. Open: the click on the launcher → the chat's input bar in the frame, in N fresh contexts
//      (the pointer reaches the launcher just before the click, as a mouse does; nothing else
//      was prefetched).
//   3. Ack: Enter in the input bar → the message's ✓ (the server's `ack` drawn), M messages
//      one after another from one visitor.
//
// Run from e2e/ after `bash scripts/build-widget.sh` and `cargo build -p switchboard-api`:
//   node bench/widget.mjs [--runs 30] [--messages 300]
import { apiLogin, launchBrowser, startServer } from '../tests/support.mjs';
import { embedSnippet, startSite } from '../tests/widget-support.mjs';
import { checkErrors, ms, percentile, printSetup, printTable, runAll, sortedOf } from './measure.mjs';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? Number(process.argv[at + 1]) : fallback;
}

const RUNS = option('runs', 30);
const MESSAGES = option('messages', 300);

// Runs in every frame of a benchmark context before its scripts: wall-clock stamps (one clock
// for the host page and the chat's frame) of the load event, the launcher, the click, the input
// bar, each Enter and each ✓.
function stamps() {
  const now = () => performance.timeOrigin + performance.now();
  const marks = { enter: {}, ticked: {} };
  window.__marks = marks;
  addEventListener('load', () => { marks.load = now(); });
  addEventListener('click', () => { marks.click ??= now(); }, true);
  addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.tagName === 'TEXTAREA') marks.enter[e.target.value] = now();
  }, true);
  new MutationObserver(() => {
    const t = now();
    if (!marks.launcher) {
      const host = [...(document.body?.children ?? [])].find((el) => el.shadowRoot?.querySelector('button'));
      if (host) marks.launcher = t;
    }
    if (!marks.input && document.querySelector('textarea')) marks.input = t;
    for (const row of document.querySelectorAll('.row.mine:not(.pending)')) {
      const text = row.querySelector('.bubble')?.textContent;
      if (text && !(text in marks.ticked) && row.querySelector('.tick')) marks.ticked[text] = t;
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
}

const results = [];
const started = Date.now();
const server = await startServer({ WIDGET_MESSAGES_PER_SECOND: '1000', WIDGET_MESSAGE_BURST: '1000' });
let site = null;
let chrome = null;
let exitCode = 0;
try {
  chrome = await launchBrowser();
  const owner = await apiLogin(server, server.email, server.password);
  site = await startSite(embedSnippet(server, owner.me.tenant.widget_key));
  printSetup('Widget in Chromium', chrome, `${server.url} (target/debug/api, SQLite); host site: ${site.url}`);
  results.push(...await runAll([launcher, open, ack]));
  console.log(`\ntotal time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  printTable(results);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  site?.close();
  await chrome?.close();
  await server.stop();
}
process.exit(exitCode);

/** A fresh visitor (own context: no cache, no token) on the host site, stamps installed. */
async function freshVisitor() {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript(stamps);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  await page.goto(site.url);
  const button = page.getByRole('button', { name: /Open chat/ });
  await button.waitFor();
  return { page, button };
}

/** The stamps recorded in a page or frame. */
function marksOf(frameOrPage) {
  return frameOrPage.evaluate(() => window.__marks);
}

/** The chat's frame once its input bar is there. */
async function chatFrameOf(page) {
  const chat = page.frameLocator('iframe[title]');
  await chat.locator('textarea').waitFor();
  return page.frames().find((f) => f.url().includes('/widget/frame.html'));
}

/** Prints the spread of `values` and judges percentile `p` against `limit` ms. */
function summary(name, values, p, limit) {
  const s = sortedOf(values);
  const spread = `p50 ${ms(percentile(s, 50))} / p95 ${ms(percentile(s, 95))} / p99 ${ms(percentile(s, 99))}`;
  console.log(`${values.length} runs: ${spread} / max ${ms(s[s.length - 1])} ms`);
  return { name: `${name} (p${p} judged)`, figures: spread, target: `p${p} < ${limit}`, met: percentile(s, p) < limit };
}

/** 1. Load event → launcher in the page. */
async function launcher() {
  console.log(`\n## 1. Launcher after the host page's load event (${RUNS} fresh visitors)`);
  const after = [];
  for (let i = 0; i < RUNS; i++) {
    const { page } = await freshVisitor();
    const m = await marksOf(page);
    // The loader is async: when it wins the race with the load event the launcher is there
    // before it, and the visitor waits 0 ms for it.
    after.push(Math.max(0, m.launcher - m.load));
    checkErrors(page, 'host page');
    await page.context().close();
  }
  return summary('Launcher visible after the host page\'s load event', after, 95, 200);
}

/** 2. Click → input bar in the chat's frame. */
async function open() {
  console.log(`\n## 2. Chat open and interactive after the click (${RUNS} fresh visitors)`);
  const took = [];
  for (let i = 0; i < RUNS; i++) {
    const { page, button } = await freshVisitor();
    await button.click();
    const frame = await chatFrameOf(page);
    const host = await marksOf(page);
    const chat = await marksOf(frame);
    took.push(Math.max(chat.input, host.click) - host.click);
    checkErrors(page, 'host page');
    await page.context().close();
  }
  return summary('Chat open and interactive after the click', took, 95, 400);
}

/** 3. Enter → ✓, one message after another. */
async function ack() {
  console.log(`\n## 3. A typed message to its ✓ (${MESSAGES} messages, one visitor)`);
  const { page, button } = await freshVisitor();
  await button.click();
  const frame = await chatFrameOf(page);
  const input = frame.locator('textarea');
  // One message first, so the conversation exists and the socket is warm.
  for (let i = 0; i <= MESSAGES; i++) {
    const text = `Benchmark message ${i} ${Math.random().toString(36).slice(2, 8)}`;
    await input.fill(text);
    await input.press('Enter');
    await frame.waitForFunction((t) => t in window.__marks.ticked, text, { timeout: 10_000 });
  }
  const m = await marksOf(frame);
  const took = Object.keys(m.enter)
    .filter((text) => !text.startsWith('Benchmark message 0 '))
    .map((text) => m.ticked[text] - m.enter[text]);
  checkErrors(page, 'host page');
  await page.context().close();
  return summary('Typed message → its ✓ (server ack drawn)', took, 99, 30);
}
