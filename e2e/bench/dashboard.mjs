// Dashboard benchmarks in Debian's Chromium against the real server (target/debug/api) and the
// built dashboard, on localhost with the demo workspace. A benchmark, never a test: it prints
// its figures and exits 0; non-zero only when something breaks (a page panics, a message never
// arrives, a step times out).
//
//   1. First paint of the Conversations page with data: ~50 conversations, N fresh pages of a
//      signed-in browser context, navigation start → first conversation row in the DOM.
//   2. A visitor's message → its bubble in the open thread: 500 messages at 20/s from one
//      visitor, the agent's page with that conversation open.
//   3. Scrolling 100,000 conversations: rows written straight into the server's SQLite file,
//      the virtualised list scrolled through 2,000 rows while long animation frames and
//      requestAnimationFrame gaps are recorded.
//   4. The Overview with those 100,000 conversations: navigation start → the eight cards and
//      four charts in the DOM, in N fresh pages of the signed-in context.
//
// Run from e2e/ after `bash scripts/build-dashboard.sh` and `cargo build -p switchboard-api`:
//   node bench/dashboard.mjs [--first-paint-runs 20] [--messages 500] [--rate 20]
//                            [--conversations 100000] [--scroll-rows 2000] [--scroll-step 280]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import readline from 'node:readline';
import { apiLogin, launchBrowser, newPage, openVisitor, signIn, startServer } from '../tests/support.mjs';
import { checkErrors, ms, percentile, printSetup, printTable, runAll, sortedOf } from './measure.mjs';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? Number(process.argv[at + 1]) : fallback;
}

const FIRST_PAINT_RUNS = option('first-paint-runs', 20);
const LIST_CONVERSATIONS = 50;
const MESSAGES = option('messages', 500);
const RATE = option('rate', 20);
const SEEDED = option('conversations', 100_000);
const SCROLL_ROWS = option('scroll-rows', 2000);
const SCROLL_STEP = option('scroll-step', 280);
const ROW_HEIGHT = 56;
const SEED_CHUNK = 10_000;

const results = [];
const started = Date.now();
const root = resolve(import.meta.dirname, '..', '..');
// Our own data directory (DATA_DIR overrides support's), so benchmark 3 can write its database.
const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
const serverEnv = { DATA_DIR: dataDir, WIDGET_MESSAGES_PER_SECOND: '100', WIDGET_MESSAGE_BURST: '200' };
const server = await startServer(serverEnv);
/** Stops the server running now: support's, then the one benchmark 3 starts on the same data. */
let stopServer = () => server.stop();
let chrome = null;
let exitCode = 0;
try {
  chrome = await launchBrowser();
  printSetup('Dashboard in Chromium', chrome, `${server.url} (target/debug/api, SQLite)`);

  const owner = await apiLogin(server, server.email, server.password);
  const widgetKey = owner.me.tenant.widget_key;

  // One signed-in context for benchmarks 1 and 3: the session is in its localStorage.
  const agent = await newPage(chrome.browser);
  const context = agent.context();
  await signIn(agent, server, server.email, server.password);
  await agent.waitForURL(/\/overview$/);

  checkErrors(agent, 'sign-in page');
  // Closed before the server stops for benchmark 3; the context keeps the session.
  await agent.close();

  results.push(...await runAll([
    () => firstPaint(context, widgetKey),
    () => visitorToBubble(widgetKey),
    () => scrollList(context),
    () => overviewPaint(context),
  ]));

  console.log(`\ntotal time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  printTable(results);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await chrome?.close();
  await stopServer();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);

/** 1. Navigation start → first `conversation-row` in the DOM, in fresh pages of one context. */
async function firstPaint(context, widgetKey) {
  console.log(`\n## 1. First paint of the Conversations page (${LIST_CONVERSATIONS} conversations, ${FIRST_PAINT_RUNS} page loads)`);
  for (let i = 0; i < LIST_CONVERSATIONS; i++) {
    const visitor = await openVisitor(chrome.browser, server, widgetKey);
    await visitor.say(`Hello, a question about order ${1000 + i}`);
    await visitor.close();
  }
  const firstRow = [];
  const steps = [];
  for (let i = 0; i < FIRST_PAINT_RUNS; i++) {
    const { page, at } = await openUntil(context, '/conversations', '[data-testid="conversation-row"]');
    const { rows, marks } = await page.evaluate(() => {
      const resource = (pattern) => performance.getEntriesByType('resource').find((e) => pattern.test(e.name));
      return {
        rows: document.querySelectorAll('[data-testid="conversation-row"]').length,
        marks: {
          html: performance.getEntriesByType('navigation')[0]?.responseEnd,
          domContentLoaded: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,
          wasm: resource(/dashboard_bg\.wasm$/)?.responseEnd,
          wasmFromCache: resource(/dashboard_bg\.wasm$/)?.transferSize === 0,
          listRequest: resource(/\/api\/v1\/conversations(\?|$)/)?.startTime,
          listResponse: resource(/\/api\/v1\/conversations(\?|$)/)?.responseEnd,
        },
      };
    });
    if (rows === 0) throw new Error('no conversation rows');
    firstRow.push(at);
    steps.push(marks);
    checkErrors(page, 'first-paint page');
    await page.close();
  }
  const s = sortedOf(firstRow);
  const [p50, p95, max] = [percentile(s, 50), percentile(s, 95), s[s.length - 1]];
  console.log(`first row in DOM: p50 ${ms(p50)} / p95 ${ms(p95)} / max ${ms(max)} ms (min ${ms(s[0])})`);
  const p50Of = (key) => ms(percentile(sortedOf(steps.map((m) => m[key]).filter(Number.isFinite)), 50));
  console.log(`p50 of the steps: HTML ${p50Of('html')}, DOMContentLoaded ${p50Of('domContentLoaded')}, wasm fetched ${p50Of('wasm')}`
    + ` (from the HTTP cache in ${steps.filter((m) => m.wasmFromCache).length} of ${steps.length}),`
    + ` list request sent ${p50Of('listRequest')}, list response ${p50Of('listResponse')}, first row ${ms(p50)} ms`);
  const slowest = steps[firstRow.indexOf(max)];
  console.log(`slowest load: HTML ${ms(slowest.html)}, DOMContentLoaded ${ms(slowest.domContentLoaded)}, wasm fetched ${ms(slowest.wasm)},`
    + ` list request sent ${ms(slowest.listRequest)}, list response ${ms(slowest.listResponse)}, first row ${ms(max)} ms`);
  const loads = firstRow.map((x, i) => x.toFixed(0) + (steps[i].wasmFromCache ? '' : '*'));
  console.log(`all loads in order (* = wasm fetched from the server, not the HTTP cache): ${loads.join(' ')}`);
  return {
    name: `First paint of Conversations, ${LIST_CONVERSATIONS} conversations (${FIRST_PAINT_RUNS} loads): p50 / p95 / max`,
    figures: `${ms(p50)} / ${ms(p95)} / **${ms(max)}**`,
    target: 'under 1000',
    met: max < 1000,
  };
}

/** 2. A visitor's message → its bubble in the agent's open thread. */
async function visitorToBubble(widgetKey) {
  const every = 1000 / RATE;
  console.log(`\n## 2. Visitor message → bubble in the open thread (${MESSAGES} messages at ${RATE}/s)`);
  const visitor = await openVisitor(chrome.browser, server, widgetKey);
  const ack = await visitor.say('Hello, I have a few questions');
  const id = ack.conversation_id;

  const page = await newPage(chrome.browser);
  await signIn(page, server, server.email, server.password);
  await page.waitForURL(/\/overview$/);
  await page.goto(`${server.url}/conversations/${id}`);
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await page.getByTestId('message').filter({ hasText: 'Hello, I have a few questions' }).waitFor();
  // Each bubble carries `#<seq>#`; record when the node holding it enters the thread.
  await page.evaluate(() => {
    window.seen_ = {};
    window.framed_ = {};
    const thread = document.querySelector('[data-testid="thread"]');
    new MutationObserver((records) => {
      const at = performance.timeOrigin + performance.now();
      const fresh = [];
      for (const record of records) {
        for (const node of record.addedNodes) {
          for (const match of (node.textContent ?? '').matchAll(/#(\d+)#/g)) {
            if (!(match[1] in window.seen_)) {
              window.seen_[match[1]] = at;
              fresh.push(match[1]);
            }
          }
        }
      }
      // The start of the next frame: when the bubble can first be painted.
      if (fresh.length) {
        requestAnimationFrame(() => {
          const frame = performance.timeOrigin + performance.now();
          for (const seq of fresh) window.framed_[seq] = frame;
        });
      }
    }).observe(thread, { childList: true, subtree: true });
  });

  // Sent on a fixed schedule from inside the visitor's page; each send time is stamped there.
  const lateness = await visitor.page.evaluate(({ count, every }) => new Promise((done) => {
    window.sent_ = [];
    window.acked_ = [];
    window.socket_.addEventListener('message', (event) => {
      const at = performance.timeOrigin + performance.now();
      const frame = JSON.parse(event.data);
      const seq = frame.type === 'ack' && /^bench-(\d+)$/.exec(frame.client_id)?.[1];
      if (seq) window.acked_[seq] = at;
    });
    const start = performance.now() + 100;
    let i = 0;
    let late = 0;
    const tick = () => {
      while (i < count && performance.now() >= start + i * every) {
        late = Math.max(late, performance.now() - (start + i * every));
        window.sent_[i] = performance.timeOrigin + performance.now();
        window.socket_.send(JSON.stringify({ type: 'message', client_id: `bench-${i}`, text: `Benchmark message #${i}# from the visitor` }));
        i++;
      }
      if (i < count) setTimeout(tick, Math.max(0, start + i * every - performance.now()));
      else done(late);
    };
    setTimeout(tick, 100);
  }), { count: MESSAGES, every });

  await page.waitForFunction((count) => Object.keys(window.seen_).length >= count, MESSAGES, { timeout: 30_000 })
    .catch(() => {});
  await page.waitForTimeout(100);
  const seen = await page.evaluate(() => ({ dom: window.seen_, framed: window.framed_ }));
  const { sent, acked, acks, refused } = await visitor.page.evaluate(() => ({
    sent: window.sent_,
    acked: window.acked_,
    acks: window.frames_.filter((f) => f.type === 'ack' && f.client_id.startsWith('bench-')).length,
    refused: window.frames_.filter((f) => f.type === 'error').map((f) => JSON.stringify(f)),
  }));
  const latencies = [];
  const painted = [];
  const stored = [];
  for (let i = 0; i < MESSAGES; i++) {
    if (acked[i] != null) stored.push(acked[i] - sent[i]);
    if (seen.dom[i] !== undefined) latencies.push(seen.dom[i] - sent[i]);
    if (seen.framed[i] !== undefined) painted.push(seen.framed[i] - sent[i]);
  }
  const bubbles = await page.getByTestId('message').count();
  checkErrors(page, 'agent thread page');
  await visitor.close();
  await page.context().close();
  if (latencies.length !== MESSAGES) {
    const missing = MESSAGES - latencies.length;
    throw new Error(`${missing} of ${MESSAGES} messages never reached the thread`
      + ` (${acks} acked, errors: ${refused.slice(0, 3).join(' ')})`);
  }
  const s = sortedOf(latencies);
  const f = sortedOf(painted);
  const [p50, p99, max] = [percentile(s, 50), percentile(s, 99), s[s.length - 1]];
  console.log(`acked ${acks} of ${MESSAGES}; ${bubbles} bubbles in the thread; sends at most ${ms(lateness)} ms behind schedule`);
  console.log(`send → bubble in DOM: p50 ${ms(p50)} / p95 ${ms(percentile(s, 95))} / p99 ${ms(p99)} / max ${ms(max)} ms`);
  // The thread grows by one bubble a message: the tail by position in the run.
  const fifths = [];
  for (let from = 0; from < MESSAGES; from += Math.ceil(MESSAGES / 5)) {
    const part = sortedOf(latencies.slice(from, from + Math.ceil(MESSAGES / 5)));
    fifths.push(`${from + 1}–${from + part.length}: ${ms(percentile(part, 50))} / ${ms(percentile(part, 99))}`);
  }
  console.log(`p50 / p99 by position in the run: ${fifths.join(', ')}`);
  const a = sortedOf(stored);
  console.log(`send → ack on the visitor's socket (stored): p50 ${ms(percentile(a, 50))} / p99 ${ms(percentile(a, 99))} / max ${ms(a[a.length - 1])} ms`);
  console.log(`send → start of the next frame after the bubble: p50 ${ms(percentile(f, 50))} / p99 ${ms(percentile(f, 99))} / max ${ms(f[f.length - 1])} ms`);
  return {
    name: `Visitor message → bubble in the open thread, ${MESSAGES} at ${RATE}/s: p50 / p99 / max`,
    figures: `${ms(p50)} / **${ms(p99)}** / ${ms(max)}`,
    target: 'p99 under 50',
    met: p99 < 50,
  };
}

/** Writes `total` conversations (a visitor and one customer message each) into the SQLite file. */
function seedConversations(dbPath, total) {
  const sql = (statements) => execFileSync('sqlite3', [dbPath], { input: statements, maxBuffer: 1 << 26 }).toString().trim();
  const tenant = sql("SELECT id FROM tenants WHERE name = 'Demo Company';");
  if (!/^[0-9a-f-]{36}$/.test(tenant)) throw new Error(`demo tenant not found: ${tenant}`);
  const ts = (seconds) => `strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (${seconds}) || ' seconds') || '.000000'`;
  for (let lo = 1; lo <= total; lo += SEED_CHUNK) {
    const hi = Math.min(total, lo + SEED_CHUNK - 1);
    // Older than the conversations the visitors started, a minute apart; one in ten on
    // WhatsApp; 10% needs agent, 20% open, 70% resolved; one in twenty booked. The tab counts
    // (conversation_counts) follow; the Overview's daily buckets do not.
    sql(`
PRAGMA busy_timeout = 10000;
BEGIN IMMEDIATE;
CREATE TEMP TABLE seed AS
  WITH RECURSIVE n(n) AS (SELECT ${lo} UNION ALL SELECT n + 1 FROM n WHERE n < ${hi})
  SELECT n,
    printf('01900000-0000-7000-8000-%012x', n) AS id,
    printf('01900000-0000-7000-9000-%012x', n) AS visitor_id,
    CASE WHEN n % 10 = 0 THEN 'whatsapp' ELSE 'widget' END AS channel,
    CASE (n / 10) % 10 WHEN 0 THEN 'needs_agent' WHEN 1 THEN 'open' WHEN 2 THEN 'open' ELSE 'resolved' END AS status,
    (n % 20 = 7) AS booked,
    ${ts('3600 + n * 60 + 300 + n % 1800')} AS started_at,
    ${ts('3600 + n * 60')} AS last_at
  FROM n;
INSERT INTO visitors (id, tenant_id, display_id, channel, whatsapp_phone, custom_fields, first_seen_at, last_seen_at)
  SELECT visitor_id, '${tenant}', printf('B-%06X', n), channel,
    CASE WHEN channel = 'whatsapp' THEN printf('+447%09d', n) END, '{}', started_at, last_at FROM seed;
INSERT INTO conversations (id, tenant_id, visitor_id, channel, status, needs_agent_since, agent_requested, booked,
    message_count, shard, started_at, last_activity_at, resolved_at, last_customer_message_at)
  SELECT id, '${tenant}', visitor_id, channel, status,
    CASE WHEN status = 'needs_agent' THEN last_at END, status = 'needs_agent', booked,
    1, 0, started_at, last_at, CASE WHEN status = 'resolved' THEN last_at END, started_at FROM seed;
INSERT INTO messages (id, tenant_id, conversation_id, sender, kind, body, created_at)
  SELECT printf('01900000-0000-7000-a000-%012x', n), '${tenant}', id, 'customer', 'text',
    'Hello, a question about my order ' || n, started_at FROM seed;
UPDATE conversation_counts SET
  total = total + (SELECT count(*) FROM seed s WHERE s.channel = conversation_counts.channel),
  unresolved = unresolved + (SELECT count(*) FROM seed s WHERE s.channel = conversation_counts.channel AND s.status <> 'resolved'),
  needs_agent = needs_agent + (SELECT count(*) FROM seed s WHERE s.channel = conversation_counts.channel AND s.status = 'needs_agent'),
  resolved = resolved + (SELECT count(*) FROM seed s WHERE s.channel = conversation_counts.channel AND s.status = 'resolved'),
  booked = booked + (SELECT count(*) FROM seed s WHERE s.channel = conversation_counts.channel AND s.booked),
  agent_requests = agent_requests + (SELECT count(*) FROM seed s WHERE s.channel = conversation_counts.channel AND s.status = 'needs_agent')
  WHERE tenant_id = '${tenant}' AND shard = 0;
DROP TABLE seed;
COMMIT;`);
  }
  sql('PRAGMA busy_timeout = 10000; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);');
  return Number(sql(`SELECT count(*) FROM conversations WHERE tenant_id = '${tenant}';`));
}

/**
 * Starts target/debug/api again on the benchmark's data directory and address, as support's
 * `restart()` does (support's `startServer` waits for a demo sign-in, printed only once).
 * Resolves with its `stop()`.
 */
async function startAgain(bind) {
  const child = spawn(join(root, 'target', 'debug', 'api'), [], {
    env: {
      PATH: process.env.PATH, DEMO_SEED: '1', LOG: 'warn', BIND: bind,
      DASHBOARD_DIR: join(root, 'frontend', 'dashboard', 'dist'), ...serverEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((done) => child.on('exit', done));
  await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('server did not start again in 60 s')), 60_000);
    exited.then((code) => fail(new Error(`server exited early with ${code}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (/listening on http:/.test(line)) {
        clearTimeout(timer);
        done();
      }
    });
  });
  return async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
}

/** 3. Scrolls the virtualised list through SCROLL_ROWS rows of SEEDED conversations. */
async function scrollList(context) {
  console.log(`\n## 3. Scrolling ${SEEDED.toLocaleString('en')} conversations (${SCROLL_ROWS} rows, ${SCROLL_STEP} px a frame)`);
  // Written while the server is stopped, then it starts again on the same data and address
  // (the session in the context's localStorage belongs to that origin).
  await server.stop();
  stopServer = async () => {};
  const seedStarted = Date.now();
  const inDb = seedConversations(join(dataDir, 'switchboard.db'), SEEDED);
  console.log(`seeded ${SEEDED} conversations in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s (${inDb} in the workspace)`);
  stopServer = await startAgain(new URL(server.url).host);

  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  let pages = 0;
  page.on('request', (request) => {
    if (/\/api\/v1\/conversations(\?|$)/.test(request.url())) pages++;
  });
  await page.goto(server.url + '/conversations');
  await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
  await page.getByTestId('conversation-row').first().waitFor();
  const allCount = await page.getByTestId('count-all').textContent();
  await page.waitForTimeout(500);

  const run = await page.evaluate(({ rows, step, rowHeight }) => new Promise((done) => {
    const el = document.querySelector('[data-testid="conversation-list"]');
    const all = el.querySelector('.conversation-rows'); // as tall as every row fetched so far
    const target = rows * rowHeight;
    const long = [];
    let type = 'long-animation-frame';
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) long.push(summary(entry));
    });
    // A long frame's own account: the time its scripts took and the time from its rendering
    // start to its end.
    const summary = (entry) => ({
      duration: entry.duration,
      blocking: entry.blockingDuration ?? NaN,
      script: (entry.scripts ?? []).reduce((sum, s) => sum + s.duration, 0),
      render: entry.renderStart ? entry.startTime + entry.duration - entry.renderStart : NaN,
    });
    try {
      observer.observe({ type, buffered: false });
    } catch {
      type = 'longtask';
      observer.observe({ type, buffered: false });
    }
    const stamps = [];
    let waiting = 0; // frames where the scroll could not advance: rows not fetched yet
    let blank = 0; // frames where the drawn rows did not cover the visible part of the list
    const started = performance.now();
    const frame = (now) => {
      stamps.push(now);
      const box = el.getBoundingClientRect();
      const drawn = el.querySelectorAll('[data-testid="conversation-row"]');
      const needed = Math.min(box.bottom, all.getBoundingClientRect().bottom);
      if (drawn.length === 0
        || drawn[0].getBoundingClientRect().top > box.top + 1
        || drawn[drawn.length - 1].getBoundingClientRect().bottom < needed - 1) {
        blank++;
      }
      if (el.scrollTop + el.clientHeight >= target || now - started > 120_000) {
        setTimeout(() => {
          for (const entry of observer.takeRecords()) long.push(summary(entry));
          observer.disconnect();
          done({
            type, long, stamps, waiting, blank,
            reached: el.scrollTop + el.clientHeight,
            rowsLoaded: Math.round(all.offsetHeight / rowHeight),
            timedOut: now - started > 120_000,
          });
        }, 300);
        return;
      }
      const before = el.scrollTop;
      el.scrollTop = before + step;
      if (el.scrollTop === before) waiting++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }), { rows: SCROLL_ROWS, step: SCROLL_STEP, rowHeight: ROW_HEIGHT });

  checkErrors(page, 'scroll page');
  await page.close();
  if (run.timedOut) throw new Error(`scrolling stopped at ${run.reached} px of ${SCROLL_ROWS * ROW_HEIGHT}`);
  const gaps = [];
  for (let i = 1; i < run.stamps.length; i++) gaps.push(run.stamps[i] - run.stamps[i - 1]);
  const g = sortedOf(gaps);
  const longest = run.long.length ? Math.max(...run.long.map((e) => e.duration)) : 0;
  const over = run.long.filter((e) => e.duration > 50).length;
  const gapsOver = gaps.filter((d) => d > 50).length;
  const seconds = (run.stamps[run.stamps.length - 1] - run.stamps[0]) / 1000;
  console.log(`"All" tab count ${allCount}; ${run.rowsLoaded} rows loaded (${pages} list requests),`
    + ` ${run.stamps.length} frames in ${seconds.toFixed(1)} s`);
  console.log(`${run.type} entries: ${run.long.length}, longest ${ms(longest)} ms, over 50 ms: ${over}`);
  for (const e of [...run.long].sort((a, b) => b.duration - a.duration).slice(0, 5)) {
    console.log(`  long frame ${ms(e.duration)} ms: scripts ${ms(e.script)}, rendering ${ms(e.render)}, blocking ${ms(e.blocking)}`);
  }
  console.log(`frame gaps: p50 ${ms(percentile(g, 50))} / p99 ${ms(percentile(g, 99))} / max ${ms(g[g.length - 1])} ms, over 50 ms: ${gapsOver}`);
  console.log(`frames waiting for the next page: ${run.waiting}; frames with rows missing in view: ${run.blank}`);
  return {
    name: `Scroll ${SCROLL_ROWS} rows of ${SEEDED.toLocaleString('en')} conversations: longest frame (${run.type} / rAF gap), frames over 50 ms`,
    figures: `${ms(longest)} / ${ms(g[g.length - 1])}; **${over}** over 50 (${gapsOver} gaps)`,
    target: 'none over 50',
    met: over === 0,
  };
}

/** 4. Navigation start → the Overview's cards and charts, with the 100,000 conversations of 3. */
async function overviewPaint(context) {
  console.log(`\n## 4. The Overview with ${SEEDED.toLocaleString('en')} conversations (${FIRST_PAINT_RUNS} page loads)`);
  const took = [];
  for (let i = 0; i < FIRST_PAINT_RUNS; i++) {
    const { page, at } = await openUntil(context, '/overview', '[data-testid="chart-bookings"]');
    took.push(at);
    checkErrors(page, 'overview page');
    await page.close();
  }
  const s = sortedOf(took);
  console.log(`navigation → cards and charts: p50 ${ms(percentile(s, 50))} / p95 ${ms(percentile(s, 95))} / max ${ms(s[s.length - 1])} ms`);
  return {
    name: `Overview with ${SEEDED.toLocaleString('en')} conversations: navigation → cards and charts (p95 judged)`,
    figures: `p50 ${ms(percentile(s, 50))} / p95 ${ms(percentile(s, 95))}`,
    target: 'p95 < 300',
    met: percentile(s, 95) < 300,
  };
}

/**
 * Opens `path` in a fresh page of `context`; resolves with the page and the time (from
 * navigation start) at which `selector` entered the DOM, recorded in the page by a
 * MutationObserver installed before the page's own scripts: no polling delay.
 */
async function openUntil(context, path, selector) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  await page.addInitScript((wanted) => {
    const observer = new MutationObserver(() => {
      if (document.querySelector(wanted)) {
        window.seenAt_ = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  }, selector);
  await page.goto(server.url + path);
  await page.waitForFunction(() => window.seenAt_ !== undefined, null, { timeout: 30_000 });
  return { page, at: await page.evaluate(() => window.seenAt_) };
}
