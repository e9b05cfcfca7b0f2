// The gw browser console: one WebSocket to the gateway that served the page, every frame a Fernet
// token made and read here with the key the user pasted (the key itself never leaves the page).
import qrcode from 'qrcode-generator';
import { Fernet, FernetError } from './fernet.js';
import { Overview, feedTopics } from './overview.js';

const requestTimeoutMs = 5000;
const refreshEveryMs = 5000;
const reconnectFirstMs = 500;
const reconnectLastMs = 15000;
const logLimit = 500;
const historyShown = 20; // a topic's newest kept messages shown on subscribing
const keyStorageName = 'gw-console-key';
const deviceStorageName = 'gw-console-device';

const $ = (id) => document.getElementById(id);
// Its topics' clicks subscribe the message log, with what history kept first.
const overview = new Overview((topic) => subscribeWithHistory(topic));

const connection = {
  fernet: null,
  socket: null,
  name: '',
  device: '', // a device's name, when the key is its own: the gateway greets it under that key
  sessionOpen: false, // the handshake (or resume) of this socket was answered
  unreadable: 0, // frames of this socket that did not decrypt
  clockOffset: 0, // seconds to add to our clock to get the gateway's
  pending: new Map(), // request id -> {resolve, reject, timer}
  subscriptions: new Set(),
  resumeToken: null, // the session to go on with after a lost connection
  nextId: 1,
  attempts: 0,
  stopped: true,
  refreshTimer: null,
  received: 0, // messages read, for the page's own measure under load
};

function setState(state, text) {
  const element = $('state');
  element.dataset.state = state;
  element.textContent = text;
}

function showError(text) {
  $('error').textContent = text;
  if (text) setState('error', 'not connected');
}

// ---- messages ----

function encode(message) {
  const full = { userID: connection.name, timestamp: new Date().toISOString(), text: '', cmd: '', args: '', ...message };
  const now = Math.floor(Date.now() / 1000 + connection.clockOffset);
  return connection.fernet.encrypt(JSON.stringify(full), now);
}

function request(message) {
  const id = `web-${connection.nextId++}`;
  return new Promise((resolve, reject) => {
    if (!connection.socket || connection.socket.readyState !== WebSocket.OPEN) {
      reject(new Error('not connected'));
      return;
    }
    const timer = setTimeout(() => {
      connection.pending.delete(id);
      reject(new Error(`no reply to '${message.cmd}' within ${requestTimeoutMs / 1000} s`));
    }, requestTimeoutMs);
    connection.pending.set(id, { resolve, reject, timer });
    connection.socket.send(encode({ ...message, id }));
  });
}

function onFrame(event) {
  let message;
  try {
    message = JSON.parse(connection.fernet.decrypt(String(event.data)));
  } catch (error) {
    if (!(error instanceof FernetError)) return;
    connection.unreadable += 1;
    // The greeting goes out before the gateway knows who connected: under the shared key, which
    // a device's own key does not read (unless the device's name was given). Our handshake's
    // reply says whether the key is right.
    if (connection.unreadable === 1 && !connection.sessionOpen) {
      // Stopped meanwhile for a wrong key: that is what the page says, not the lost handshake.
      openSession().catch((failure) => { if (!connection.stopped) showError(`Handshake failed: ${failure.message}`); });
      return;
    }
    if (!connection.sessionOpen) {
      // The gateway's answers do not decrypt: reconnecting would not help.
      stop();
      showError('Wrong key: the gateway\'s messages do not decrypt with the key you gave. ' +
        'Paste the first line of the gateway\'s key file (gw-data/gw.key), or a device\'s own key.');
    }
    return;
  }
  connection.received += 1;
  const waiting = message.id && message.code !== undefined && connection.pending.get(message.id);
  if (waiting) {
    connection.pending.delete(message.id);
    clearTimeout(waiting.timer);
    waiting.resolve(message);
    return;
  }
  // The gateway's ping service measures the page's round trip, shown in the Clients panel.
  if (message.cmd === 'ping' && String(message.id ?? '').startsWith('gw-')) {
    connection.socket.send(encode({ cmd: 'ping', text: 'pong', code: 200, id: message.id }));
    return;
  }
  if (message.cmd === 'welcome') {
    openSession().catch((error) => showError(`Handshake failed: ${error.message}`));
    return;
  }
  if (message.cmd === 'kick') {
    // Kicked or removed: coming back at once would be refused, or undo an admin's decision.
    stop();
    showError(`The gateway ended this session: ${message.text}`);
    return;
  }
  if (overview.take(message)) return;
  if (message.cmd === 'unsubscribe' && Array.isArray(message.data?.topics)) {
    for (const filter of message.data.topics) connection.subscriptions.delete(filter);
    renderSubscriptions();
  }
  addToLog(message);
}

// After a lost connection, the same session (its subscriptions, and what arrived meanwhile,
// which comes before the reply); else, or when the gateway no longer has it, a new one.
async function openSession() {
  if (connection.resumeToken) {
    const reply = await request({ cmd: 'resume', args: connection.resumeToken });
    if (reply.code === 200) return sessionOpened(reply, 'resumed as');
    connection.resumeToken = null;
  }
  await handshake();
}

async function handshake() {
  const sent = Date.now() / 1000;
  const reply = await request({ cmd: 'handshake', data: { commands: ['ping'] } });
  if (reply.code !== 200) throw new Error(`${reply.code} ${reply.text}`);
  connection.resumeToken = reply.data?.session?.resume ?? null;
  const server = reply.data?.server ?? {};
  if (typeof server.unix_time === 'number') connection.clockOffset = server.unix_time - (sent + Date.now() / 1000) / 2;
  $('gateway-name').textContent = `· ${server.name ?? ''}`;
  document.title = `${server.name ?? 'gw'} · gw console`;
  const commands = $('commands');
  commands.replaceChildren(...(reply.data?.commands ?? []).map((name) => new Option(name)));
  for (const filter of connection.subscriptions) {
    const again = await request({ cmd: 'subscribe', topic: filter });
    if (again.code !== 200) connection.subscriptions.delete(filter);
  }
  sessionOpened(reply, 'connected as');
}

function sessionOpened(reply, how) {
  connection.attempts = 0;
  connection.sessionOpen = true;
  showError('');
  const session = reply.data?.session ?? {};
  const as = session.device ? ' (a device, with its own key)' : '';
  setState('connected', `${how} ${session.name ?? connection.name}${as}`);
  $('connect-panel').hidden = true;
  $('app').hidden = false;
  renderSubscriptions();
  refresh();
  showDevicesIfAdmin();
  readFeed();
}

// The overview's feed: the gateway's $gw topics, which need admin permission unless the
// gateway opens them ([feed] readers). Asked again after an auth.
async function readFeed() {
  try {
    for (const topic of feedTopics) {
      const reply = await request({ cmd: 'subscribe', topic });
      if (reply.code === 403) {
        overview.refused('The overview reads the gateway\'s $gw feed, which needs admin permission: ' +
          'call auth with the admin key below.');
        return;
      }
    }
  } catch {
    // Not connected: the state says so, and the next session asks again.
  }
}

// ---- the connection ----

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const greeting = connection.device ? `?device=${encodeURIComponent(connection.device)}` : '';
  const socket = new WebSocket(`${scheme}://${location.host}/ws${greeting}`);
  connection.socket = socket;
  connection.sessionOpen = false;
  connection.unreadable = 0;
  setState('connecting', connection.attempts ? `reconnecting (attempt ${connection.attempts})` : 'connecting');
  socket.onmessage = onFrame;
  socket.onclose = () => {
    if (connection.socket !== socket) return;
    for (const [, waiting] of connection.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('connection lost'));
    }
    connection.pending.clear();
    if (connection.stopped) return;
    // Doubling waits, each cut at random by up to half, so that many pages spread out.
    const full = Math.min(reconnectLastMs, reconnectFirstMs * 2 ** connection.attempts);
    const wait = full - Math.random() * full / 2;
    connection.attempts += 1;
    setState('reconnecting', `connection lost; reconnecting in ${(wait / 1000).toFixed(1)} s`);
    setTimeout(() => { if (!connection.stopped) connect(); }, wait);
  };
}

function start(key, name, device) {
  try {
    connection.fernet = new Fernet(key);
  } catch (error) {
    showError(error.message);
    return false;
  }
  connection.name = name || 'browser';
  connection.device = device || '';
  connection.stopped = false;
  connection.attempts = 0;
  connection.resumeToken = null; // a new start is a new session
  showError('');
  connect();
  clearInterval(connection.refreshTimer);
  connection.refreshTimer = setInterval(refresh, refreshEveryMs);
  return true;
}

function stop() {
  connection.stopped = true;
  clearInterval(connection.refreshTimer);
  if (connection.socket) connection.socket.close();
  $('connect-panel').hidden = false;
  $('app').hidden = true;
}

// ---- what the page shows ----

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

// "3.2 ms": the ping service's last measure; "-" for a client that does not answer pings.
function roundTrip(milliseconds) {
  if (typeof milliseconds !== 'number') return '-';
  return `${milliseconds < 10 ? milliseconds.toFixed(1) : Math.round(milliseconds)} ms`;
}

function idle(seconds) {
  if (typeof seconds !== 'number') return '-';
  return seconds < 60 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

// Kick and mute, for an admin; nothing for others.
function adminActions(client) {
  const actions = document.createElement('td');
  if ($('devices-panel').hidden || client.name === connection.name) return actions;
  const action = (label, cmd) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.setAttribute('aria-label', `${label} ${client.name}`);
    button.onclick = () => send({ cmd, args: client.id }, refresh);
    return button;
  };
  actions.append(action('Kick', 'kick'), action(client.muted ? 'Unmute' : 'Mute', client.muted ? 'unmute' : 'mute'));
  return actions;
}

async function refresh() {
  if (!connection.socket || connection.socket.readyState !== WebSocket.OPEN) return;
  try {
    const clients = await request({ cmd: 'clients' });
    if (clients.code === 200 && Array.isArray(clients.data)) {
      $('clients').tBodies[0].replaceChildren(...clients.data.map((client) => {
        const row = document.createElement('tr');
        row.append(cell(client.name), cell(client.id), cell(client.device ? 'own' : 'shared'),
          cell(client.transport), cell(client.address), cell(roundTrip(client.rtt_ms)),
          cell(client.messages_in), cell(client.messages_out), cell(idle(client.idle_seconds)),
          cell((client.subscriptions ?? []).join(' ')), adminActions(client));
        return row;
      }));
      $('client-count').textContent = `(${clients.data.length})`;
    } else if (clients.code === 403) {
      $('client-count').textContent = '(your key may not list them)';
    }
    const topics = await request({ cmd: 'topics' });
    if (topics.code === 200 && Array.isArray(topics.data)) {
      $('topics').replaceChildren(...topics.data.map((topic) => {
        const item = document.createElement('li');
        item.textContent = `${topic.filter} (${topic.subscribers})`;
        return item;
      }));
    }
  } catch {
    // Shown by the connection state; the next refresh tries again.
  }
}

function matchesFilters(message) {
  const topic = $('filter-topic').value.trim();
  const sender = $('filter-sender').value.trim().toLowerCase();
  if (topic && !(message.topic ?? '').includes(topic)) return false;
  const who = `${message.userID ?? ''} ${message.from ?? ''}`.toLowerCase();
  return !sender || who.includes(sender);
}

// `earlier`: from the topic's history, published before this page subscribed.
function addToLog(message, earlier = false) {
  const item = document.createElement('li');
  item.message = message;
  const meta = document.createElement('span');
  meta.className = 'meta';
  const time = (message.timestamp ?? '').replace(/^.*T/, '').replace(/\..*$/, '');
  meta.textContent = `${time} ${message.userID || message.from || 'gateway'}${message.from ? ` (${message.from})` : ''}${message.cmd ? ` ${message.cmd}` : ''}`;
  item.append(meta);
  if (message.topic) {
    const topic = document.createElement('span');
    topic.className = 'topic';
    topic.textContent = message.topic;
    item.append(topic);
  }
  if (message.retain) item.append(mark('retained', 'the topic\'s last message, kept by the gateway for new subscribers'));
  if (earlier) item.append(mark('earlier', 'from the topic\'s history, published before you subscribed'));
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = message.text + (message.data !== undefined && message.data !== null ? ` ${JSON.stringify(message.data)}` : '');
  item.append(text);
  item.hidden = !matchesFilters(message);
  const log = $('log');
  log.prepend(item);
  while (log.children.length > logLimit) log.lastElementChild.remove();
}

function mark(name, title) {
  const span = document.createElement('span');
  span.className = name;
  span.textContent = name;
  span.title = title;
  return span;
}

// What the topic's history kept comes first, then a subscription from the history's newest
// offset on, so that what is published in between is neither missed nor shown twice. A filter
// without history ([[history]] in gatewayd.toml) is subscribed to as it is.
async function subscribeWithHistory(filter) {
  let since = '';
  try {
    const history = await request({ cmd: 'history', topic: filter, args: String(historyShown) });
    if (history.code === 200) {
      for (const message of history.data?.messages ?? []) addToLog(message, true);
      since = `since=${history.data.epoch}:${history.data.offset}`;
    }
  } catch {
    // Not connected, or no reply: the subscribe below says so.
  }
  send({ cmd: 'subscribe', topic: filter, args: since }, () => {
    connection.subscriptions.add(filter);
    renderSubscriptions();
    refresh();
  });
}

function applyFilters() {
  for (const item of $('log').children) item.hidden = !matchesFilters(item.message);
}

function renderSubscriptions() {
  $('subscriptions').replaceChildren(...[...connection.subscriptions].map((filter) => {
    const item = document.createElement('li');
    item.textContent = filter;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Unsubscribe';
    button.setAttribute('aria-label', `Unsubscribe from ${filter}`);
    button.onclick = () => send({ cmd: 'unsubscribe', topic: filter }, () => {
      connection.subscriptions.delete(filter);
      renderSubscriptions();
    });
    item.append(button);
    return item;
  }));
}

function showReply(reply) {
  $('reply-status').textContent = `${reply.cmd}: ${reply.code} ${reply.text}`;
  $('reply').textContent = JSON.stringify(reply, null, 2);
}

async function send(message, onSuccess) {
  try {
    const reply = await request(message);
    showReply(reply);
    if (reply.code === 200 && onSuccess) onSuccess(reply);
  } catch (error) {
    $('reply-status').textContent = `${message.cmd}: ${error.message}`;
  }
}

// ---- devices (admins) ----

// Shown when this session may do everything: an admin device, or after `auth`.
async function showDevicesIfAdmin() {
  try {
    const me = await request({ cmd: 'whoami' });
    const admin = me.code === 200 && me.data?.permissions?.admin === true;
    $('devices-panel').hidden = !admin;
    if (admin) refreshDevices();
  } catch {
    // Not connected: the state says so.
  }
}

function listText(list) {
  return (list ?? []).join(', ') || '-';
}

async function refreshDevices() {
  const reply = await request({ cmd: 'device', args: 'list' });
  if (reply.code !== 200 || !Array.isArray(reply.data)) return;
  $('devices').tBodies[0].replaceChildren(...reply.data.map((device) => {
    const p = device.permissions ?? {};
    const other = [p.send?.length ? `send: ${listText(p.send)}` : '', p.commands?.length ? `commands: ${listText(p.commands)}` : '',
      p.admin ? 'admin' : ''].filter(Boolean).join('; ') || '-';
    const row = document.createElement('tr');
    row.append(cell(device.name), cell(String(device.sessions ?? 0)), cell(listText(p.publish)),
      cell(listText(p.subscribe)), cell(other), cell(device.description));
    const actions = document.createElement('td');
    const rotate = document.createElement('button');
    rotate.type = 'button';
    rotate.textContent = 'New key';
    rotate.setAttribute('aria-label', `Give ${device.name} a new key`);
    rotate.onclick = () => send({ cmd: 'device', args: `rotate ${device.name}` }, (done) => {
      showNewKey(device.name, done.data.key);
      refreshDevices();
    });
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove ${device.name}`);
    remove.onclick = () => send({ cmd: 'device', args: `remove ${device.name}` }, refreshDevices);
    actions.append(rotate, remove);
    row.append(actions);
    return row;
  }));
}

function commaList(id) {
  return $(id).value.split(',').map((item) => item.trim()).filter(Boolean);
}

// The key once, as text, as a link and as a QR code of this console's address with the device's
// name and key after '#' (which a browser never sends): a phone that scans it is the device.
function showNewKey(name, key) {
  const link = `${location.origin}/#device=${encodeURIComponent(name)}&key=${encodeURIComponent(key)}`;
  const code = qrcode(0, 'M');
  code.addData(link);
  code.make();
  $('device-key-name').textContent = name;
  $('device-key-text').textContent = key;
  $('device-qr').src = code.createDataURL(4, 8);
  $('device-link').href = link;
  $('device-key').hidden = false;
}

function forgetNewKey() {
  $('device-key').hidden = true;
  $('device-key-text').textContent = '';
  $('device-qr').removeAttribute('src');
  $('device-link').href = '#';
}

// ---- forms ----

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    handler(event.target);
  });
}

function storedKey() {
  return sessionStorage.getItem(keyStorageName) ?? localStorage.getItem(keyStorageName) ?? '';
}

function setUp() {
  onSubmit('connect-form', () => {
    const key = $('key').value.trim();
    const device = $('device').value.trim();
    for (const storage of [sessionStorage, localStorage]) {
      storage.removeItem(keyStorageName);
      storage.removeItem(deviceStorageName);
    }
    const storage = $('remember').checked ? localStorage : sessionStorage;
    storage.setItem(keyStorageName, key);
    if (device) storage.setItem(deviceStorageName, device);
    start(key, $('name').value.trim(), device);
  });
  $('forget').addEventListener('click', () => {
    for (const storage of [sessionStorage, localStorage]) {
      storage.removeItem(keyStorageName);
      storage.removeItem(deviceStorageName);
    }
    $('key').value = '';
    $('device').value = '';
    stop();
    setState('disconnected', 'not connected');
  });
  onSubmit('direct-form', () => send({ cmd: 'send', to: $('direct-to').value.trim(), text: $('direct-text').value }));
  onSubmit('broadcast-form', () => send({ cmd: 'broadcast', text: $('broadcast-text').value }));
  onSubmit('publish-form', () => {
    const message = { cmd: 'publish', topic: $('publish-topic').value.trim(), text: $('publish-text').value };
    const data = $('publish-data').value.trim();
    if (data) {
      try {
        message.data = JSON.parse(data);
      } catch (error) {
        $('reply-status').textContent = `publish: the data is not JSON (${error.message})`;
        return;
      }
    }
    send(message);
  });
  onSubmit('subscribe-form', () => {
    subscribeWithHistory($('subscribe-filter').value.trim());
  });
  onSubmit('call-form', () => send({ cmd: $('call-cmd').value.trim(), args: $('call-args').value },
    (reply) => {
      if (reply.cmd !== 'auth') return;
      showDevicesIfAdmin();
      readFeed();
    }));
  onSubmit('device-form', () => {
    const name = $('device-name').value.trim();
    const data = {
      publish: commaList('device-publish'),
      subscribe: commaList('device-subscribe'),
      send: commaList('device-send'),
      commands: commaList('device-commands'),
      admin: $('device-admin').checked,
      description: $('device-description').value.trim(),
    };
    send({ cmd: 'device', args: `add ${name}`, data }, (reply) => {
      showNewKey(name, reply.data.key);
      $('device-form').reset();
      refreshDevices();
    });
  });
  $('device-key-done').addEventListener('click', forgetNewKey);
  $('filter-topic').addEventListener('input', applyFilters);
  $('filter-sender').addEventListener('input', applyFilters);
  $('clear-log').addEventListener('click', () => $('log').replaceChildren());

  // An enrolment link (#device=NAME&key=KEY, from gwctl device add or the Devices panel): the
  // device's console, at once. The fragment is taken out of the address bar and kept for this tab.
  const enrolment = new URLSearchParams(location.hash.slice(1));
  if (enrolment.get('key')) {
    sessionStorage.setItem(keyStorageName, enrolment.get('key'));
    if (enrolment.get('device')) sessionStorage.setItem(deviceStorageName, enrolment.get('device'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  const key = storedKey();
  const device = sessionStorage.getItem(deviceStorageName) ?? localStorage.getItem(deviceStorageName) ?? '';
  $('remember').checked = localStorage.getItem(keyStorageName) !== null;
  if (key) {
    $('key').value = key;
    $('device').value = device;
    start(key, $('name').value.trim(), device);
  }
}

// For tests and the curious: the page's own Fernet, to check it against the reference vectors.
window.gwConsole = {
  Fernet,
  overviewPoints: () => overview.points(),
  received: () => connection.received,
  overviewUpdates: () => overview.updates,
};
setUp();
