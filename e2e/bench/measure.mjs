// What every Chromium benchmark reports with: percentiles, millisecond formatting, how busy the
// (shared) machine was meanwhile, and a check that no page panicked.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
export const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
export const sortedOf = (xs) => [...xs].sort((a, b) => a - b);

/** The machine's CPU counters (/proc/stat, all cores): busy and stolen time, in ticks. */
export function cpuTicks() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait, steal };
}
/** How busy the machine was since `from` (a shared VM: a busy minute shows in the figures). */
export function load(from) {
  const now = cpuTicks();
  const total = now.total - from.total || 1;
  const busy = ((100 * (now.busy - from.busy)) / total).toFixed(0);
  const steal = ((100 * (now.steal - from.steal)) / total).toFixed(1);
  return `machine CPU ${busy}% busy (steal ${steal}%), load average ${loadavg()[0].toFixed(2)}`;
}

/** Fails the run when a page logged a panic or an uncaught error. */
export function checkErrors(page, what) {
  if (page.errors.length) throw new Error(`${what}: page errors: ${page.errors.map(String).join('; ')}`);
}

/** Prints the results table every benchmark ends with. */
export function printTable(results) {
  console.log('| measurement | figures (ms) | target |');
  console.log('|---|---|---|');
  for (const r of results) console.log(`| ${r.name} | ${r.figures} | ${r.target} ${r.met ? '✔' : '✘'} |`);
}

/** The header of a run: what, when, on which machine, browser and server. */
export function printSetup(title, chrome, where) {
  console.log(`# ${title}`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`load average ${loadavg()[0].toFixed(2)}`);
  console.log(`nproc: ${execFileSync('nproc').toString().trim()} (node sees ${availableParallelism()})`);
  console.log(`chromium: ${chrome.browser.version()} (headless, /usr/bin/chromium)`);
  console.log(`server: ${where}`);
}

/** Runs each benchmark, noting how busy the machine was meanwhile; their results, in order. */
export async function runAll(benches) {
  const results = [];
  for (const bench of benches) {
    const from = cpuTicks();
    results.push(await bench());
    console.log(`(${load(from)})`);
  }
  return results;
}
