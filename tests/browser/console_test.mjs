// The browser console in Debian's headless Chromium, driven by playwright-core, against the real
// gatewayd: two console pages, a Python UDP sensor and `gwctl listen` exchange messages; a page
// with the wrong key says so; the page's Fernet agrees with the reference vectors.
//
// Environment: GATEWAYD, GWCTL, CHROMIUM (the browser), GW_BROWSER_MODULES (node_modules with
// playwright-core), GW_FERNET_VECTORS_DIR, GW_ARTIFACTS_DIR (where the screenshot goes), PYTHON.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (run this test through ctest)`);
  return value;
};
const { chromium } = createRequire(path.join(env('GW_BROWSER_MODULES'), 'x.js'))('playwright-core');
const waitLimitMs = 15000; // any single wait; the test never waits unbounded

const children = [];
function start(program, args, options = {}) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.out = '';
  child.err = '';
  child.stdout.on('data', (chunk) => { child.out += chunk; });
  child.stderr.on('data', (chunk) => { child.err += chunk; });
  child.done = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  children.push(child);
  return child;
}

async function until(what, check) {
  const deadline = Date.now() + waitLimitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function startGateway(dataDir, extraArgs = []) {
  const ready = path.join(dataDir, 'ready.json');
  const gateway = start(env('GATEWAYD'), ['--data-dir', dataDir, '--bind', '127.0.0.1',
    '--http-port', '0', '--ws-port', '0', '--udp-port', '0', '--tcp-port', '0',
    '--name', 'browser-test-gateway', '--ready-file', ready, ...extraArgs]);
  await until('the gateway to be ready', () => existsSync(ready));
  const info = JSON.parse(readFileSync(ready, 'utf8'));
  const key = readFileSync(info.key_file, 'utf8').split('\n').find((line) => line && !line.startsWith('#')).trim();
  return { gateway, info, key };
}

// A UDP device written with Python's cryptography: handshake as udp-sensor, publish a reading.
const udpSensor = `
import json, socket, sys, time
from cryptography.fernet import Fernet
fernet, port = Fernet(sys.argv[1].encode()), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
def ask(body):
    s.sendto(fernet.encrypt(json.dumps(body).encode()), ("127.0.0.1", port))
    return json.loads(fernet.decrypt(s.recv(65536)))
token = ask({"cmd": "handshake", "userID": "udp-sensor"})["data"]["session"]["token"]
reply = ask({"cmd": "publish", "topic": "sensors/kitchen/temperature", "text": "21.5 C from UDP",
             "data": {"celsius": 21.5}, "retain": True, "token": token})
print(reply["code"], reply["data"]["delivered"])
`;

// A UDP thermometer publishing ten times a second for five seconds (bounded), to a topic nobody
// subscribes to: the overview's active topics show it all the same.
const thermometer = `
import json, math, socket, sys, time
from cryptography.fernet import Fernet
fernet, port = Fernet(sys.argv[1].encode()), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(50):
    body = {"cmd": "publish", "topic": "home/kitchen/temperature", "userID": "thermometer",
            "data": {"celsius": round(21 + math.sin(n / 5), 2), "humidity": 40 + n % 7}}
    s.sendto(fernet.encrypt(json.dumps(body).encode()), ("127.0.0.1", port))
    time.sleep(0.1)
`;

// A UDP device that publishes once under its own key, as a stock Python client would.
const udpDevice = `
import json, socket, sys
from cryptography.fernet import Fernet
fernet, port = Fernet(sys.argv[1].encode()), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(fernet.encrypt(json.dumps({"cmd": "publish", "topic": sys.argv[3], "text": sys.argv[4]}).encode()),
         ("127.0.0.1", port))
print(json.loads(fernet.decrypt(s.recv(65536)))["code"])
`;

const policyViolations = [];

const newKey = () => `${randomBytes(32).toString('base64url')}=`;

// `opener`: the browser, or a context of its own (whose newPage takes no options).
async function openConsole(opener, url, key, name, viewport) {
  const page = await opener.newPage({ viewport });
  page.on('pageerror', (error) => console.error(`${name}: page error: ${error.message}`));
  // The strict Content-Security-Policy holds with everything the page uses (uPlot too).
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) policyViolations.push(`${name}: ${message.text()}`);
  });
  await page.goto(url);
  await page.getByRole('textbox', { name: /^Key/ }).fill(key);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Connect' }).click();
  return page;
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gw-browser-'));
  const tlsDataDir = mkdtempSync(path.join(tmpdir(), 'gw-browser-tls-'));
  const devicesDataDir = mkdtempSync(path.join(tmpdir(), 'gw-browser-devices-'));
  const artifacts = env('GW_ARTIFACTS_DIR');
  mkdirSync(artifacts, { recursive: true });
  // The doors keep a history, which a console subscribing later is shown first; and a bridge
  // to an MQTT broker that is not there, whose state the overview shows.
  writeFileSync(path.join(dataDir, 'gatewayd.toml'), '[[history]]\nfilter = "doors/#"\n' +
    '[[mqtt]]\nname = "nowhere"\nbroker = "mqtt://127.0.0.1:1"\nexport = ["nowhere/#"]\n');
  // Pings each second, so that the pages' round trips are in the Clients panel soon.
  const adminKey = 'browser admin key 1234';
  const { info, key } = await startGateway(dataDir, ['--ping-every', '1', '--admin-key', adminKey]);
  const consoleUrl = `http://127.0.0.1:${info.http}/`;
  const browser = await chromium.launch({ executablePath: env('CHROMIUM'), args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    // The page's own Fernet against the specification's vectors.
    const vectors = env('GW_FERNET_VECTORS_DIR');
    const check = await browser.newPage();
    await check.goto(consoleUrl);
    const verify = JSON.parse(readFileSync(path.join(vectors, 'spec-verify.json'), 'utf8'));
    const invalid = JSON.parse(readFileSync(path.join(vectors, 'spec-invalid.json'), 'utf8'))
      .filter((vector) => !/ttl|future|expired|time/i.test(vector.desc)); // the page checks no age
    const results = await check.evaluate(({ verify, invalid }) => {
      const { Fernet } = window.gwConsole;
      const decrypt = (vector) => {
        try { return new Fernet(vector.secret).decrypt(vector.token); } catch (error) { return `refused: ${error.message}`; }
      };
      return { verified: verify.map(decrypt), refused: invalid.map(decrypt),
        roundTrip: (() => { const f = new Fernet(verify[0].secret); return f.decrypt(f.encrypt('héllo ✓')); })() };
    }, { verify, invalid });
    assert.deepEqual(results.verified, verify.map((vector) => vector.src));
    assert.ok(results.refused.length > 0 && results.refused.every((text) => text.startsWith('refused')), results.refused.join('\n'));
    assert.equal(results.roundTrip, 'héllo ✓');
    await check.close();

    // Two consoles, the second on a phone-sized screen.
    const one = await openConsole(browser, consoleUrl, key, 'page-one', { width: 1200, height: 900 });
    const two = await openConsole(browser, consoleUrl, key, 'page-two', { width: 390, height: 844 });
    for (const [page, name] of [[one, 'page-one'], [two, 'page-two']]) {
      await page.getByRole('status').filter({ hasText: `connected as ${name}` }).waitFor({ timeout: waitLimitMs });
      await page.getByLabel('Subscribe to').fill('sensors/#');
      await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
      await page.locator('#subscriptions li', { hasText: 'sensors/#' }).waitFor({ timeout: waitLimitMs });
    }
    // The key stays in the page: sessionStorage, not localStorage, unless asked to remember it.
    assert.equal(await one.evaluate(() => sessionStorage.getItem('gw-console-key')), key);
    assert.equal(await one.evaluate(() => localStorage.getItem('gw-console-key')), null);

    const listener = start(env('GWCTL'), ['listen', '--url', `ws://127.0.0.1:${info.ws}`, '--key', key,
      '--name', 'gwctl-listener', '--json', '--count', '1']);
    await until('gwctl listen to be listening', () => listener.err.includes('listening on'));

    // A UDP publication appears in both pages.
    const sensor = start(env('PYTHON'), ['-c', udpSensor, key, String(info.udp)]);
    assert.equal(await sensor.done, 0, sensor.err);
    assert.equal(sensor.out.trim(), '200 2');
    for (const page of [one, two]) {
      await page.locator('#log li', { hasText: '21.5 C from UDP' }).waitFor({ timeout: waitLimitMs });
    }

    // A message typed in page one reaches page two and gwctl listen.
    await one.getByLabel('Text').nth(1).fill('hello from page one'); // the broadcast form's
    await one.getByRole('button', { name: 'Broadcast' }).click();
    await two.locator('#log li', { hasText: 'hello from page one' }).waitFor({ timeout: waitLimitMs });
    assert.equal(await listener.done, 0, listener.err);
    const heard = JSON.parse(listener.out.trim());
    assert.equal(heard.text, 'hello from page one');
    assert.equal(heard.userID, 'page-one');

    // A direct message from page two to page one.
    await two.getByLabel('To (name or id)').fill('page-one');
    await two.getByLabel('Text').first().fill('just for you');
    await two.getByRole('button', { name: 'Send', exact: true }).click();
    await one.locator('#log li', { hasText: 'just for you' }).waitFor({ timeout: waitLimitMs });

    // The client list (refreshed by the page) shows both pages and the UDP sensor.
    for (const name of ['page-one', 'page-two', 'udp-sensor']) {
      await one.locator('#clients tbody tr', { hasText: name }).first().waitFor({ timeout: waitLimitMs });
    }
    // The pages answer the gateway's pings: their round trips are shown; the sensor's is not.
    await one.locator('#clients tbody tr', { hasText: 'page-two' }).filter({ hasText: /\d ms/ })
      .first().waitFor({ timeout: waitLimitMs });
    // A console opened later is shown the sensor's last reading first, marked retained.
    const late = await openConsole(browser, consoleUrl, key, 'page-late', { width: 800, height: 600 });
    await late.getByRole('status').filter({ hasText: 'connected as page-late' }).waitFor({ timeout: waitLimitMs });
    await late.getByLabel('Subscribe to').fill('sensors/#');
    await late.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await late.locator('#log li', { hasText: '21.5 C from UDP' }).locator('.retained').waitFor({ timeout: waitLimitMs });

    // And a topic's history, marked earlier, oldest lowest; then live messages, none twice.
    for (const text of ['front door opened', 'front door closed']) {
      await one.locator('#publish-topic').fill('doors/front');
      await one.locator('#publish-text').fill(text);
      await one.getByRole('button', { name: 'Publish' }).click();
      await one.locator('#reply-status', { hasText: 'publish: 200' }).waitFor({ timeout: waitLimitMs });
      await one.locator('#reply-status').evaluate((element) => { element.textContent = ''; });
    }
    await late.getByLabel('Subscribe to').fill('doors/#');
    await late.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await late.locator('#subscriptions li', { hasText: 'doors/#' }).waitFor({ timeout: waitLimitMs });
    await one.locator('#publish-text').fill('back door opened');
    await one.getByRole('button', { name: 'Publish' }).click();
    await late.locator('#log li', { hasText: 'back door opened' }).waitFor({ timeout: waitLimitMs });
    const doors = await late.locator('#log li', { hasText: 'door' }).evaluateAll((items) =>
      items.map((item) => `${item.querySelector('.text').textContent}${item.querySelector('.earlier') ? ' (earlier)' : ''}`));
    assert.deepEqual(doors, ['back door opened', 'front door closed (earlier)', 'front door opened (earlier)']);
    await late.screenshot({ path: path.join(artifacts, 'console-history.png') });
    await late.close();

    // Filters: by sender.
    await one.getByLabel('Sender contains').fill('udp-sensor');
    await until('the filter to hide other messages', async () =>
      !(await one.locator('#log li', { hasText: 'just for you' }).isVisible()));
    assert.ok(await one.locator('#log li', { hasText: '21.5 C from UDP' }).isVisible());
    await one.getByLabel('Sender contains').fill('');

    // Any command: get version.
    await one.getByLabel('Command').fill('get');
    await one.getByLabel('Arguments').fill('version');
    await one.getByRole('button', { name: 'Call' }).click();
    await one.locator('#reply-status', { hasText: 'get: 200' }).waitFor({ timeout: waitLimitMs });
    await one.screenshot({ path: path.join(artifacts, 'console.png'), fullPage: true });
    await two.screenshot({ path: path.join(artifacts, 'console-phone.png'), fullPage: true });

    // The overview reads the $gw feed, which needs admin: page two is told so, page one calls
    // auth and is shown it while a UDP thermometer publishes.
    await two.locator('#overview-note', { hasText: 'needs admin permission' }).waitFor({ timeout: waitLimitMs });
    const heater = start(env('PYTHON'), ['-c', thermometer, key, String(info.udp)]);
    await one.getByLabel('Command').fill('auth');
    await one.getByLabel('Arguments').fill(adminKey);
    await one.getByRole('button', { name: 'Call' }).click();
    await one.locator('#reply-status', { hasText: 'auth: 200' }).waitFor({ timeout: waitLimitMs });
    const kitchenRow = one.locator('#active-topics tbody tr', { hasText: 'home/kitchen/temperature' });
    await kitchenRow.locator('.value', { hasText: 'celsius' }).waitFor({ timeout: waitLimitMs });
    // A sparkline for each numeric field, once it has a few values.
    await kitchenRow.locator('.trend', { hasText: 'humidity' }).waitFor({ timeout: waitLimitMs });
    assert.equal(await kitchenRow.locator('canvas.sparkline').count(), 2);
    // Two charts, drawn with data.
    await until('both charts to have three seconds of data', async () => {
      const points = await one.evaluate(() => window.gwConsole.overviewPoints());
      return points.length === 2 && points.every((count) => count >= 3);
    });
    assert.equal(await one.locator('#overview .uplot').count(), 2);
    // The MQTT bridge, with why it is not connected.
    await one.locator('#overview-summary', { hasText: /MQTT nowhere: disconnected \(cannot connect to 127\.0\.0\.1:1/ })
      .waitFor({ timeout: waitLimitMs });
    // A click on the topic fills the log with it.
    await kitchenRow.getByRole('button', { name: 'home/kitchen/temperature' }).click();
    await one.locator('#log li', { hasText: 'home/kitchen/temperature' }).first().waitFor({ timeout: waitLimitMs });
    await one.locator('#overview').screenshot({ path: path.join(artifacts, 'console-overview.png') });
    // An admin mutes a client from the Clients panel, and unmutes it.
    await one.getByRole('button', { name: 'Mute page-two' }).click();
    await one.locator('#reply-status', { hasText: 'mute: 200' }).waitFor({ timeout: waitLimitMs });
    await one.getByRole('button', { name: 'Unmute page-two' }).click();
    await one.locator('#reply-status', { hasText: 'unmute: 200' }).waitFor({ timeout: waitLimitMs });
    assert.equal(await heater.done, 0, heater.err);

    // A page with the wrong key says so instead of hanging or retrying.
    const wrongKey = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
    const three = await openConsole(browser, consoleUrl, wrongKey, 'intruder', { width: 800, height: 600 });
    await three.getByRole('alert').filter({ hasText: 'Wrong key' }).waitFor({ timeout: waitLimitMs });
    assert.ok(await three.locator('#app').isHidden());
    await three.screenshot({ path: path.join(artifacts, 'console-wrong-key.png') });
    // And a key that is not a key at all.
    const four = await openConsole(browser, consoleUrl, '!'.repeat(44), 'typo', { width: 800, height: 600 });
    await four.getByRole('alert').filter({ hasText: 'not base64url' }).waitFor({ timeout: waitLimitMs });

    // The console of a gateway with TLS: served over https, it connects with wss to the same
    // port. The certificate is self-signed, so this context accepts it as a user would once.
    const secure = await startGateway(tlsDataDir, ['--self-signed']);
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 800, height: 600 } });
    const five = await openConsole(context, `https://127.0.0.1:${secure.info.http}/`, secure.key, 'over-tls');
    await five.getByRole('status').filter({ hasText: 'connected as over-tls' }).waitFor({ timeout: waitLimitMs });
    assert.equal(await five.evaluate(() => location.protocol), 'https:');
    await five.screenshot({ path: path.join(artifacts, 'console-tls.png') });
    await context.close();

    // Devices with keys of their own. An admin device opens the console from its enrolment link
    // (as a phone scanning the QR code would), adds a device, and sees it publish.
    const panelKey = newKey();
    const sensorKey = newKey();
    const devicesFile = path.join(devicesDataDir, 'devices.toml');
    writeFileSync(devicesFile, `[[device]]\nname = "hall-panel"\nkey = "${panelKey}"\nadmin = true\n\n` +
      `[[device]]\nname = "kitchen-sensor"\nkey = "${sensorKey}"\npublish = ["home/kitchen/#"]\n` +
      `subscribe = ["home/kitchen/#"]\ndescription = "above the oven"\n`);
    chmodSync(devicesFile, 0o600);
    const devices = await startGateway(devicesDataDir);
    const devicesUrl = `http://127.0.0.1:${devices.info.http}/`;
    const panel = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    panel.on('pageerror', (error) => console.error(`hall-panel: page error: ${error.message}`));
    await panel.goto(`${devicesUrl}#device=hall-panel&key=${panelKey}`);
    await panel.getByRole('status').filter({ hasText: 'connected as hall-panel (a device' }).waitFor({ timeout: waitLimitMs });
    assert.equal(await panel.evaluate(() => location.hash), ''); // the key left the address bar
    await panel.locator('#devices tbody tr', { hasText: 'kitchen-sensor' }).waitFor({ timeout: waitLimitMs });
    await panel.getByLabel('Name', { exact: true }).fill('porch-light');
    await panel.locator('#device-publish').fill('home/porch/#');
    await panel.locator('#device-description').fill('by the front door');
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
    await panel.locator('#device-key', { hasText: 'porch-light' }).waitFor({ timeout: waitLimitMs });
    const porchKey = await panel.locator('#device-key-text').textContent();
    assert.equal(porchKey.length, 44);
    assert.match(await panel.locator('#device-qr').getAttribute('src'), /^data:image\/gif;base64,/);
    assert.equal(await panel.locator('#device-link').getAttribute('href'),
      `${devicesUrl}#device=porch-light&key=${encodeURIComponent(porchKey)}`);
    await panel.locator('#devices tbody tr', { hasText: 'porch-light' }).waitFor({ timeout: waitLimitMs });
    await panel.getByLabel('Subscribe to').fill('home/#');
    await panel.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await panel.locator('#subscriptions li', { hasText: 'home/#' }).waitFor({ timeout: waitLimitMs });
    const porch = start(env('PYTHON'), ['-c', udpDevice, porchKey, String(devices.info.udp), 'home/porch/light', 'porch light on']);
    assert.equal(await porch.done, 0, porch.err);
    assert.equal(porch.out.trim(), '200');
    await panel.locator('#log li', { hasText: 'porch light on' }).filter({ hasText: 'porch-light' }).waitFor({ timeout: waitLimitMs });
    await panel.screenshot({ path: path.join(artifacts, 'console-devices.png'), fullPage: true });

    // The kitchen sensor's console, from the form: its own name, and only its own topics.
    const kitchen = await browser.newPage({ viewport: { width: 800, height: 700 } });
    await kitchen.goto(devicesUrl);
    await kitchen.getByRole('textbox', { name: /^Key/ }).fill(sensorKey);
    await kitchen.getByRole('textbox', { name: /^Device \(/ }).fill('kitchen-sensor');
    await kitchen.getByRole('button', { name: 'Connect' }).click();
    await kitchen.getByRole('status').filter({ hasText: 'connected as kitchen-sensor (a device' }).waitFor({ timeout: waitLimitMs });
    assert.ok(await kitchen.locator('#devices-panel').isHidden());
    await kitchen.getByLabel('Subscribe to').fill('home/#');
    await kitchen.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await kitchen.locator('#reply-status', { hasText: "403 device 'kitchen-sensor' may not subscribe to 'home/#'" }).waitFor({ timeout: waitLimitMs });
    await kitchen.locator('#client-count', { hasText: 'may not list' }).waitFor({ timeout: waitLimitMs });
    // Removed by the admin: the sensor's page is told, and its session ends.
    await panel.locator('#devices tbody tr', { hasText: 'kitchen-sensor' }).getByRole('button', { name: 'Remove kitchen-sensor' }).click();
    await kitchen.getByRole('alert').filter({ hasText: 'The gateway ended this session' }).waitFor({ timeout: waitLimitMs });
    await kitchen.screenshot({ path: path.join(artifacts, 'console-device-removed.png') });
    assert.deepEqual(policyViolations, []);
    console.log(`console test passed; screenshots in ${artifacts}`);
  } finally {
    await browser.close();
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => child.done));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(tlsDataDir, { recursive: true, force: true });
    rmSync(devicesDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  process.exit(1);
});
