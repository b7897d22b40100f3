// Shared setup for browser tests: the real `api` binary on a free port with a fresh SQLite
// database and the built dashboard, and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import readline from 'node:readline';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');

/** Where a test's screenshot `name` (e.g. `connectors-dark.png`) goes: `e2e/screenshots/`. */
export function screenshotPath(name) {
  const dir = join(root, 'e2e', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** Runs the `api` binary; resolves once it listens, with what it printed (URL, demo sign-in). */
async function spawnApi(env, { needLogin }) {
  const child = spawn(join(root, 'target', 'debug', 'api'), [], {
    env: { PATH: process.env.PATH, DEMO_SEED: '1', LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const printed = { url: null, email: null, password: null };
  await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('server did not start in 60 s')), 60_000);
    child.on('exit', (code) => fail(new Error(`server exited early with ${code}`)));
    lines.on('line', (line) => {
      const url = line.match(/listening on (http:\/\/\S+)/);
      if (url) printed.url = url[1];
      const email = line.match(/^\s*email:\s+(\S+)/);
      if (email) printed.email = email[1];
      const password = line.match(/^\s*password:\s+(\S+)/);
      if (password) printed.password = password[1];
      if (printed.url && (!needLogin || (printed.email && printed.password))) {
        clearTimeout(timer);
        done();
      }
    });
  });
  return { child, printed };
}

async function stopApi(child) {
  child.kill('SIGTERM');
  await new Promise((done) => (child.exitCode !== null ? done() : child.on('exit', done)));
}

/**
 * Starts the server with a demo workspace (and any extra environment); resolves with its URL,
 * the printed sign-in, `restart()` (same address, same data: the pages stay open) and `stop()`.
 */
export async function startServer(extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const env = {
    BIND: '127.0.0.1:0',
    DATA_DIR: dataDir,
    DASHBOARD_DIR: join(root, 'frontend', 'dashboard', 'dist'),
    WIDGET_DIR: join(root, 'frontend', 'widget', 'dist'),
    ...extraEnv,
  };
  let { child, printed } = await spawnApi(env, { needLogin: true });
  return {
    ...printed,
    async restart() {
      await stopApi(child);
      const bind = new URL(printed.url).host;
      ({ child } = await spawnApi({ ...env, BIND: bind }, { needLogin: false }));
    },
    async stop() {
      await stopApi(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium (playwright gives it a fresh profile in a temporary directory). */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // A fake microphone, allowed without a prompt: voice notes are recorded for real.
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** A fresh browser context and page that records uncaught page errors. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  page.on('console', (message) => {
    if (message.type() === 'error' && /panicked/.test(message.text())) page.errors.push(new Error(message.text()));
  });
  return page;
}

/** Calls the JSON API directly (for setup steps a test is not about). */
export async function api(server, method, path, { token, body } = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Signs in through the login screen. */
export async function signIn(page, server, email, password) {
  await page.goto(server.url + '/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The sidebar's section slugs, in order. */
export async function sidebarSections(page) {
  const sidebar = page.getByTestId('sidebar');
  await sidebar.waitFor();
  const ids = await sidebar.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((l) => l.dataset.testid));
  return ids.map((id) => id.replace(/^nav-/, ''));
}

/** Signs in over the API; resolves with the access token and the member (`GET /me`). */
export async function apiLogin(server, email, password) {
  const login = await api(server, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.access_token;
  const me = await api(server, 'GET', '/api/v1/me', { token });
  return { token, me: me.body };
}

/**
 * A website visitor on the visitor socket, driven from a page of its own in Chromium (the
 * widget comes with its own issue). `token` (from an earlier `welcome`) returns as the same
 * visitor, to the same conversation.
 */
export async function openVisitor(browser, server, widgetKey, token = null) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + '/healthz');
  const wsUrl = server.url.replace(/^http/, 'ws') + `/api/widget/v1/ws?key=${encodeURIComponent(widgetKey)}`
    + (token ? `&token=${encodeURIComponent(token)}` : '');
  const welcome = await page.evaluate((url) => new Promise((done, fail) => {
    window.frames_ = [];
    const socket = new WebSocket(url);
    window.socket_ = socket;
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      window.frames_.push(frame);
      if (frame.type === 'welcome') done(frame);
    };
    socket.onerror = () => fail(new Error('visitor socket failed'));
  }), wsUrl);
  let sent = 0;
  const visitor = {
    welcome,
    page,
    /** Sends a frame. */
    async send(frame) {
      await page.evaluate((frame) => window.socket_.send(JSON.stringify(frame)), frame);
    },
    /** Sends a text message and waits for its `ack`. */
    async say(text) {
      const clientId = `v-${Date.now()}-${sent++}`;
      await visitor.send({ type: 'message', client_id: clientId, text });
      return visitor.waitFor((f, id) => f.type === 'ack' && f.client_id === id, clientId);
    },
    /**
     * Waits for a frame for which `matches(frame, arg)` holds. `matches` runs in the page, so
     * it sees only its arguments: pass what it compares against as `arg`.
     */
    async waitFor(matches, arg = null, timeout = 10_000) {
      const handle = await page.waitForFunction(
        ({ source, arg }) => {
          const matches = new Function(`return (${source})`)();
          return window.frames_.find((frame) => matches(frame, arg));
        },
        { source: matches.toString(), arg },
        { timeout },
      );
      return handle.jsonValue();
    },
    async close() {
      await context.close();
    },
  };
  return visitor;
}

/**
 * A server, Chromium and the demo owner signed in over the API for the file's tests (`setup`
 * runs once they are up, `env` is extra environment for the server); the returned object holds
 * `server`, `chrome` and `owner`.
 */
export function useServer(setup = async () => {}, env = {}) {
  const world = {};
  before(async () => {
    world.server = await startServer(env);
    world.chrome = await launchBrowser();
    world.owner = await apiLogin(world.server, world.server.email, world.server.password);
    await setup(world);
  });
  after(async () => {
    await world.chrome?.close();
    await world.server?.stop();
  });
  return world;
}

/** Invites `email` as `role` and accepts for them; resolves with their sign-in. */
export async function addMember(server, ownerToken, { email, name, role = 'agent', password = 'agent password 123' }) {
  const invite = await api(server, 'POST', '/api/v1/team/invitations', { token: ownerToken, body: { email, role } });
  if (invite.status !== 201) throw new Error(`invite: ${invite.status} ${JSON.stringify(invite.body)}`);
  const token = new URL(invite.body.invite_url).searchParams.get('token');
  const accepted = await api(server, 'POST', '/api/v1/invitations/accept', { body: { token, name, password } });
  if (accepted.status !== 201) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { email, password };
}

/** A fresh page signed in (the demo owner unless told) in `theme`, opened on `path`. */
export async function signedInOn(browser, server, path, { theme = 'light', email = server.email, password = server.password } = {}) {
  const page = await newPage(browser);
  await page.addInitScript((t) => localStorage.setItem('sb.theme', t), theme);
  await signIn(page, server, email, password);
  await page.waitForURL(/\/overview$/);
  await page.goto(server.url + path);
  return page;
}
