// The console under load, in Debian's headless Chromium: a page connected as an admin reads the
// whole $gw feed (the overview's charts and topics) and shows a topic in its log while a Python
// publisher sends it 1,000 messages a second for a few seconds (bounded). Prints the page's
// frames per second idle and under that load (their ratio), the messages it read, and the
// time each overview update took. Nothing is asserted.
//
// Environment (bench/console_bench.sh sets it): GATEWAYD, CHROMIUM, GW_BROWSER_MODULES, PYTHON.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} must be set: run bench/console_bench.sh`);
  return process.env[name];
};
const { chromium } = createRequire(path.join(env('GW_BROWSER_MODULES'), 'x.js'))('playwright-core');
const seconds = Number(process.argv[2] ?? 5);
const rate = 1000;
const adminKey = 'console bench admin key';

const publisher = `
import json, socket, sys, time
from cryptography.fernet import Fernet
fernet, port, rate, seconds = Fernet(sys.argv[1].encode()), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.monotonic()
sent = 0
while time.monotonic() - start < seconds:
    due = int((time.monotonic() - start) * rate)
    while sent < due:
        body = {"cmd": "publish", "topic": "bench/busy", "userID": "publisher",
                "data": {"n": sent, "celsius": 20 + sent % 10}}
        s.sendto(fernet.encrypt(json.dumps(body).encode()), ("127.0.0.1", port))
        sent += 1
    time.sleep(0.002)
print(sent)
`;

function run(program, args) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.out = '';
  child.stdout.on('data', (chunk) => { child.out += chunk; });
  child.done = new Promise((resolve) => child.on('exit', resolve));
  return child;
}

// Frames the page drew in `ms`, counted with requestAnimationFrame.
const framesPerSecond = (page, ms) => page.evaluate((wait) => new Promise((resolve) => {
  let frames = 0;
  const started = performance.now();
  const count = () => {
    frames += 1;
    if (performance.now() - started < wait) requestAnimationFrame(count);
    else resolve(frames / ((performance.now() - started) / 1000));
  };
  requestAnimationFrame(count);
}), ms);

const dataDir = mkdtempSync(path.join(tmpdir(), 'gw-console-bench-'));
const ready = path.join(dataDir, 'ready.json');
const gateway = run(env('GATEWAYD'), ['--data-dir', dataDir, '--bind', '127.0.0.1', '--http-port', '0',
  '--ws-port', '0', '--udp-port', '0', '--tcp-port', '0', '--ready-file', ready, '--log-level', 'warn',
  '--trusted-networks', '127.0.0.0/8', '--session-rate', '0', '--admin-key', adminKey]);
const browser = await chromium.launch({ executablePath: env('CHROMIUM'), args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
try {
  for (let i = 0; i < 100 && !existsSync(ready); i += 1) await sleep(50);
  const info = JSON.parse(readFileSync(ready, 'utf8'));
  const key = readFileSync(info.key_file, 'utf8').split('\n').find((line) => line && !line.startsWith('#')).trim();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`http://127.0.0.1:${info.http}/`);
  await page.getByRole('textbox', { name: /^Key/ }).fill(key);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('status').filter({ hasText: 'connected as' }).waitFor({ timeout: 15000 });
  await page.getByLabel('Command').fill('auth');
  await page.getByLabel('Arguments').fill(adminKey);
  await page.getByRole('button', { name: 'Call' }).click();
  await page.locator('#reply-status', { hasText: 'auth: 200' }).waitFor({ timeout: 15000 });
  await page.getByLabel('Subscribe to').fill('bench/#');
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await page.locator('#overview').waitFor({ timeout: 15000 });
  await sleep(2000);

  const idle = await framesPerSecond(page, seconds * 1000);
  const readBefore = await page.evaluate(() => window.gwConsole.received());
  const before = await page.evaluate(() => [window.gwConsole.overviewMs ?? 0, window.gwConsole.overviewUpdates()]);
  const load = run(env('PYTHON'), ['-c', publisher, key, String(info.udp), String(rate), String(seconds + 1)]);
  await sleep(500);
  const busy = await framesPerSecond(page, seconds * 1000);
  await load.done;
  await sleep(500);
  const read = (await page.evaluate(() => window.gwConsole.received())) - readBefore;
  const after = await page.evaluate(() => [window.gwConsole.overviewMs ?? 0, window.gwConsole.overviewUpdates()]);
  const perUpdate = (after[0] - before[0]) / Math.max(1, after[1] - before[1]);
  console.log(`console page, ${rate} messages/s to a topic its log shows, ${seconds} s:`);
  console.log(`  frames per second: idle ${idle.toFixed(1)}, under load ${busy.toFixed(1)}, ratio ${(busy / idle).toFixed(2)}`);
  console.log(`  messages read by the page: ${read} of ${load.out.trim()} published`);
  console.log(`  overview update (charts and topics, once a second): ${perUpdate.toFixed(2)} ms each`);
} finally {
  await browser.close();
  gateway.kill('SIGTERM');
  await gateway.done;
  rmSync(dataDir, { recursive: true, force: true });
}
