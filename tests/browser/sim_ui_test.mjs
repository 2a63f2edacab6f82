// The simulator's live page in a real browser (issue 26; ctest browser.sim_ui, run by run.sh):
// Debian's chromium, headless, driven through the DevTools protocol by playwright-core.
//
// `paystack-terminal sim` on a free loopback port; for each of pay, decline and walk away:
// `paystack-terminal charge` pushes a payment request to a terminal, the page shows the device's
// data-state `invoice` with the amount within 1 s of the delivery, the test clicks the customer's
// button (found by its accessible name), the device turns paid / declined / walked_away and the
// charge ends PAID (exit 0) / DECLINED (1, seen through its webhooks) / TIMED OUT (3). Then the
// page at 390 px and 1280 px: no horizontal overflow, a screenshot of each. No console error,
// nothing fetched but the simulator's own endpoints, the CSP header, the favicon, and
// `--no-ui` serves no page. Everything it starts is killed on the way out; every wait is bounded.
//
// Usage: node sim_ui_test.mjs PAYSTACK_TERMINAL CHROMIUM OUT_DIR (OUT_DIR holds node_modules and
// receives sim-ui-390.png and sim-ui-1280.png).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

const [exe, chromiumPath, outDir] = process.argv.slice(2).map((a) => (a ? path.resolve(a) : a));
if (!exe || !chromiumPath || !outDir) {
  console.error('usage: node sim_ui_test.mjs PAYSTACK_TERMINAL CHROMIUM OUT_DIR');
  process.exit(2);
}
const { chromium } = createRequire(path.join(outDir, 'package.json'))('playwright-core');

const KEY = 'sk_test_browser_ui';  // a test key of the test's own simulator, not a secret
const children = new Set();
let browser = null;
let failures = 0;

function killAll() {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { console.error(`sim_ui_test: ${sig}, stopping`); killAll(); process.exit(1); });
}

function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
  return ok;
}

/// Fails the test at once (a step the next ones need).
function must(ok, what) {
  if (!check(ok, what)) throw new Error(what);
}

/// A loopback port nothing listens on now (bound on port 0, read back, closed).
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// The sanitizers' settings of the build under test (ctest's presets set them), passed on.
const sanitizerEnv = Object.fromEntries(['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'TSAN_OPTIONS']
  .filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));

/// Runs the CLI with a minimal environment; its output is collected.
function run(args, env = {}) {
  const proc = spawn(exe, args, {
    env: { PATH: '/usr/bin:/bin', PAYSTACK_SECRET_KEY: KEY, ...sanitizerEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  const r = { proc, out: '', err: '' };
  proc.stdout.on('data', (d) => { r.out += d; });
  proc.stderr.on('data', (d) => { r.err += d; });
  r.exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    children.delete(proc);
    resolve({ code, signal });
  }));
  return r;
}

/// The child's exit, or a kill and null after `ms`.
async function finish(r, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  const done = await Promise.race([r.exited, late]);
  clearTimeout(timer);
  if (done === null) r.proc.kill('SIGKILL');
  return done;
}

/// Polls `probe` (async, truthy when done) every 20 ms for at most `ms`; its last value or null.
async function until(probe, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => { setTimeout(resolve, 20); });
  }
}

async function getJson(url) {
  const res = await fetch(url);
  return res.json();
}

async function main() {
  // 1. The simulator: a customer who acts only through the page (auto-pay off), delivered as
  //    pushed, webhooks to the port each charge listens on in turn.
  const webhookPort = await freePort();
  const sim = run(['sim', '--port', '0', '--terminals', '3', '--delivery-delay', '0',
    '--auto-pay-delay', 'manual', '--webhook-url', `http://127.0.0.1:${webhookPort}/`]);
  const listening = await until(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(sim.out), 15000);
  must(listening !== null, `paystack-terminal sim starts (${sim.err.trim()})`);
  const base = listening[1];
  check(sim.out.includes(`live page: ${base}/_sim/ui`), 'sim prints the live page address');

  const pageRes = await fetch(`${base}/_sim/ui`);
  const csp = pageRes.headers.get('content-security-policy') || '';
  check(pageRes.status === 200 && pageRes.headers.get('content-type').startsWith('text/html'),
    'GET /_sim/ui is an HTML page');
  check(csp.includes("default-src 'none'") && /script-src 'sha256-[^']+'/.test(csp) &&
    /style-src 'sha256-[^']+'/.test(csp) && csp.includes("connect-src 'self'"),
  `its Content-Security-Policy allows nothing but itself: ${csp}`);
  const icon = await fetch(`${base}/_sim/ui/favicon.svg`);
  check(icon.status === 200 && icon.headers.get('content-type') === 'image/svg+xml', 'the favicon is served');

  const state = await getJson(`${base}/_sim/state`);
  const terminals = state.data.terminals.map((t) => t.terminal_id);
  must(terminals.length === 3 && state.data.terminals.every((t) => t.screen === 'idle'),
    '/_sim/state shows 3 idle terminal screens');

  // 2. The browser.
  const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  // launch() gives the browser a fresh temporary profile (user-data-dir) and removes it.
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args, timeout: 30000 });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10000);
  const consoleErrors = [];
  const foreign = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (req) => { if (!req.url().startsWith(`${base}/`)) foreign.push(req.url()); });
  await page.goto(`${base}/_sim/ui`);
  const device = (id) => page.locator(`[data-terminal-id="${id}"]`);
  await page.waitForFunction(() => document.querySelectorAll('[data-terminal-id][data-state="idle"]').length === 3);
  check(true, 'the page shows 3 devices, data-state idle');

  const waitState = async (id, s, ms) => {
    try {
      await page.waitForSelector(`[data-terminal-id="${id}"][data-state="${s}"]`, { timeout: ms });
      return true;
    } catch {
      return false;
    }
  };

  // 3. Each customer behaviour, on its own terminal.
  const scenarios = [
    { terminal: terminals[0], action: 'pay', name: /^Pay NGN 50\.00 by card on terminal /, amount: 5000,
      text: 'NGN 50.00', state: 'paid', exit: 0, headline: 'PAID', timeout: '20s' },
    { terminal: terminals[1], action: 'decline', name: /^Decline the card payment of NGN 1,234\.00 on terminal /,
      amount: 123400, text: 'NGN 1,234.00', state: 'declined', exit: 1, headline: 'DECLINED', timeout: '20s' },
    { terminal: terminals[2], action: 'walk_away', name: /^Walk away without paying NGN 75\.00 on terminal /,
      amount: 7500, text: 'NGN 75.00', state: 'walked_away', exit: 3, headline: 'TIMED OUT', timeout: '4s' },
  ];
  for (const s of scenarios) {
    const charge = run(['charge', s.terminal, '--amount', String(s.amount), '--customer', 'CUS_browser0001',
      '--timeout', s.timeout, '--webhook-port', String(webhookPort), '--webhook-bind', '127.0.0.1'],
    { PAYSTACK_BASE_URL: base });
    // Delivered as pushed (--delivery-delay 0): the moment the simulator shows the invoice.
    const shown = await until(async () => {
      const st = await getJson(`${base}/_sim/state`);
      const t = st.data.terminals.find((x) => x.terminal_id === s.terminal);
      return t && t.screen === 'invoice' ? t : null;
    }, 15000);
    if (shown === null) console.log(charge.out, charge.err);
    must(shown !== null, `${s.action}: the charge pushed an invoice to ${s.terminal}`);
    const t0 = Date.now();
    const onPage = await waitState(s.terminal, 'invoice', 1000);
    check(onPage, `${s.action}: the device turns invoice on the page within 1 s (${Date.now() - t0} ms)`);
    const amount = await device(s.terminal).locator('.amount').textContent();
    check(amount === s.text, `${s.action}: the device shows the amount ${s.text} (got ${amount})`);
    const code = await device(s.terminal).locator('dd').nth(2).textContent();
    check(code === shown.screen_request, `${s.action}: and the request code ${code}`);
    if (s.action === 'pay') {
      // The four buttons and the screen have accessible names.
      for (const a of ['pay', 'decline', 'walk_away', 'pay_offline']) {
        const label = await device(s.terminal).locator(`[data-action="${a}"]`).getAttribute('aria-label');
        check(label && label.includes(s.terminal), `button ${a} is named: "${label}"`);
      }
      const screenName = await device(s.terminal).locator('.screen').getAttribute('aria-label');
      check(screenName && screenName.includes('NGN 50.00'), `the screen is named: "${screenName}"`);
      await page.screenshot({ path: path.join(outDir, 'sim-ui-invoice-1280.png') });
    }
    await device(s.terminal).getByRole('button', { name: s.name }).click();
    check(await waitState(s.terminal, s.state, 5000), `${s.action}: the device turns ${s.state}`);
    const end = await finish(charge, 30000);
    check(end !== null && end.code === s.exit && charge.out.includes(s.headline),
      `${s.action}: the CLI's charge ends ${s.headline} (exit ${end && end.code}): ${charge.out.split('\n')[0]}`);
    if (!end || end.code !== s.exit) console.log(charge.out, charge.err);
  }

  // 4. What the lists show: the paid request, the archived ones, the transaction, the webhooks.
  await page.waitForFunction(() => document.querySelectorAll('#requests tr').length === 3);
  const requestsText = await page.locator('#requests').textContent();
  check(requestsText.includes('success') && requestsText.includes('yes'),
    'the payment requests show the paid one and the archived ones');
  check(await page.locator('#transactions tr').count() === 1, 'one transaction');
  const hooks = await page.locator('#webhooks').textContent();
  check(hooks.includes('charge.success') && hooks.includes('invoice.payment_failed') &&
    hooks.includes(`http://127.0.0.1:${webhookPort}/`), 'the webhook log shows the events and their target');

  // 5. A fourth charge left on a screen for the pictures, then paid offline from the page.
  const last = run(['charge', terminals[0], '--amount', '1250000', '--customer', 'CUS_shop0042',
    '--timeout', '20s'], { PAYSTACK_BASE_URL: base });
  must(await waitState(terminals[0], 'invoice', 15000), 'a fourth invoice is shown');
  const layouts = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `at ${width} px nothing overflows sideways (${overflow} px)`);
    const file = path.join(outDir, `sim-ui-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    layouts.push(file);
  }
  check(await page.locator(`[data-terminal-id="${terminals[0]}"] [data-action="pay_offline"]`).isVisible(),
    'at 390 px the buttons are on screen');
  await page.setViewportSize({ width: 1280, height: 900 });
  await device(terminals[0]).getByRole('button', { name: /^Pay NGN 12,500\.00 later by the offline reference / }).click();
  check(await waitState(terminals[0], 'paid', 5000), 'pay_offline: the device turns paid');
  const lastEnd = await finish(last, 30000);
  check(lastEnd !== null && lastEnd.code === 0 && last.out.includes('PAID'), 'pay_offline: the charge ends PAID');
  console.log(`screenshots: ${layouts.join(', ')}`);

  check(consoleErrors.length === 0, `no console error (${consoleErrors.join(' | ')})`);
  check(foreign.length === 0, `nothing fetched but the simulator's endpoints (${foreign.join(' ')})`);
  await browser.close();
  browser = null;

  // 6. The simulator stops cleanly on SIGTERM; with --no-ui there is no page.
  sim.proc.kill('SIGTERM');
  const simEnd = await finish(sim, 10000);
  check(simEnd !== null && simEnd.code === 0, 'the simulator stops on SIGTERM with exit code 0');
  const bare = run(['sim', '--port', '0', '--no-ui']);
  const bareListening = await until(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(bare.out), 15000);
  must(bareListening !== null, 'paystack-terminal sim --no-ui starts');
  const bareBase = bareListening[1];
  check(!bare.out.includes('live page'), '--no-ui prints no page address');
  for (const p of ['/_sim/ui', '/_sim/ui/stream', '/_sim/ui/favicon.svg']) {
    const r = await fetch(`${bareBase}${p}`);
    check(r.status === 404, `--no-ui: GET ${p} is 404`);
  }
  bare.proc.kill('SIGTERM');
  await finish(bare, 10000);
}

const watchdog = setTimeout(() => {
  console.error('sim_ui_test: over 150 s, giving up');
  killAll();
  process.exit(1);
}, 150000);
try {
  await main();
} catch (e) {
  failures += 1;
  console.error(`sim_ui_test: ${e.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  killAll();
  clearTimeout(watchdog);
}
console.log(failures === 0 ? 'sim_ui_test: all passed' : `sim_ui_test: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
