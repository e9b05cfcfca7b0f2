// The operator's overview, from the gateway's $gw feed (gatewayd.md): charts of the last minutes'
// traffic, drawn with uPlot once a second as the feed comes; the topics published to lately,
// whether anyone subscribes or not, with their last values and a sparkline of each numeric field
// of their data; a click on a topic subscribes the message log to it.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const feedTopics = ['$gw/stats', '$gw/topics', '$gw/clients'];
const windowSeconds = 300; // the charts' span
const sparkPoints = 60; // the values a sparkline draws
const topicRows = 50;
const transports = [['http', '#2563eb'], ['websocket', '#16a34a'], ['udp', '#ea580c'], ['tcp', '#0891b2']];

const $ = (id) => document.getElementById(id);

function sum(object) {
  return Object.values(object ?? {}).reduce((total, value) => total + (Number(value) || 0), 0);
}

// A chart of per-second series against time, in `element`, as wide as it is.
function chart(element, title, series) {
  const data = [[], ...series.map(() => [])];
  const plot = new uPlot({
    title,
    width: Math.max(240, element.clientWidth),
    height: 180,
    scales: { x: { time: true } },
    axes: [{}, { size: 50 }],
    series: [{}, ...series.map(([label, stroke]) => ({ label, stroke, width: 1.5 }))],
  }, data, element);
  new ResizeObserver(() => plot.setSize({ width: Math.max(240, element.clientWidth), height: 180 }))
    .observe(element);
  return {
    add(seconds, values) {
      data[0].push(seconds);
      values.forEach((value, i) => data[i + 1].push(value));
      while (data[0].length && data[0][0] < seconds - windowSeconds) for (const column of data) column.shift();
      plot.setData(data);
    },
    points: () => data[0].length,
  };
}

// A small line of `values` on a canvas: where a numeric field has been lately.
function sparkline(values) {
  const canvas = document.createElement('canvas');
  canvas.width = 90;
  canvas.height = 22;
  canvas.className = 'sparkline';
  const context = canvas.getContext('2d');
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  context.strokeStyle = '#2563eb';
  context.lineWidth = 1.5;
  context.beginPath();
  values.forEach((value, i) => {
    const x = values.length === 1 ? canvas.width / 2 : (i / (values.length - 1)) * (canvas.width - 2) + 1;
    const y = canvas.height - 2 - ((value - low) / span) * (canvas.height - 4);
    if (i === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.stroke();
  return canvas;
}

export class Overview {
  // `subscribe(topic)`: what a click on a topic does.
  constructor(subscribe) {
    this.subscribe = subscribe;
    this.traffic = null;
    this.refusals = null;
    this.fields = new Map(); // topic -> Map(field -> recent values)
    this.updates = 0; // screens drawn, for the page's own measure of its cost
  }

  // How many seconds each chart holds (for tests).
  points() {
    return [this.traffic, this.refusals].filter(Boolean).map((each) => each.points());
  }

  // Draws the charts' frames once the panel is shown (uPlot needs its width).
  show() {
    $('overview').hidden = false;
    if (this.traffic) return;
    this.traffic = chart($('traffic-chart'), 'Messages in per second, by transport',
      [...transports.map(([name, colour]) => [name, colour]), ['delivered', '#9333ea']]);
    this.refusals = chart($('refusals-chart'), 'Refused per second',
      [['replayed', '#dc2626'], ['rate limited', '#ea580c'], ['bad tokens', '#ca8a04'], ['permission', '#64748b']]);
  }

  refused(text) {
    $('overview-note').textContent = text;
  }

  // A message of the feed; true when it was one.
  take(message) {
    if (!feedTopics.includes(message.topic)) return false;
    const started = performance.now();
    if (message.topic === '$gw/stats') this.takeStats(message.data ?? {});
    if (message.topic === '$gw/topics') this.takeTopics(message.data?.topics ?? [], message.data?.total ?? 0);
    this.updates += 1;
    window.gwConsole.overviewMs = (window.gwConsole.overviewMs ?? 0) + performance.now() - started;
    return true;
  }

  takeStats(stats) {
    this.show();
    $('overview-note').textContent = '';
    const now = Date.now() / 1000;
    const rates = stats.per_second ?? {};
    this.traffic.add(now, [...transports.map(([name]) => Number(rates.in?.[name]) || 0),
      Number(rates.deliveries) || 0]);
    const refused = rates.refusals ?? {};
    this.refusals.add(now, [refused.replayed, refused.rate_limited, refused.bad_tokens, refused.permission]
      .map((value) => Number(value) || 0));
    // Each MQTT bridge with its state, and why when it is not connected.
    const bridges = (Array.isArray(stats.mqtt) ? stats.mqtt : []).map((bridge) =>
      `; MQTT ${bridge.name}: ${bridge.state}${bridge.problem ? ` (${bridge.problem})` : ''}`);
    $('overview-summary').textContent = `${stats.name ?? ''}: up ${Math.round(stats.uptime_seconds ?? 0)} s, ` +
      `${sum(stats.clients)} clients, ${stats.cluster ? `cluster of ${stats.cluster.nodes}` : 'one gateway'}` +
      bridges.join('');
  }

  takeTopics(topics, total) {
    const seen = new Set();
    const rows = topics.slice(0, topicRows).map((topic) => {
      seen.add(topic.topic);
      const data = topic.last?.data;
      const known = this.fields.get(topic.topic) ?? new Map();
      this.fields.set(topic.topic, known);
      if (data && typeof data === 'object' && !Array.isArray(data)) {
        for (const [field, value] of Object.entries(data)) {
          if (typeof value !== 'number') continue;
          const values = known.get(field) ?? [];
          values.push(value);
          if (values.length > sparkPoints) values.shift();
          known.set(field, values);
        }
      }
      const row = document.createElement('tr');
      const name = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = topic.topic;
      button.title = `Show ${topic.topic} in the message log`;
      button.onclick = () => this.subscribe(topic.topic);
      name.append(button);
      const cells = [topic.rate, topic.messages].map((value) => {
        const cell = document.createElement('td');
        cell.textContent = String(value ?? '');
        return cell;
      });
      const last = document.createElement('td');
      last.className = 'value';
      last.textContent = data !== null && data !== undefined ? JSON.stringify(data) : (topic.last?.text ?? '');
      const trends = document.createElement('td');
      for (const [field, values] of known) {
        const figure = document.createElement('span');
        figure.className = 'trend';
        figure.title = `${field}: the last ${values.length} values`;
        figure.append(sparkline(values), document.createTextNode(` ${field}`));
        trends.append(figure);
      }
      row.append(name, ...cells, last, trends);
      return row;
    });
    for (const topic of this.fields.keys()) if (!seen.has(topic)) this.fields.delete(topic);
    $('active-topics').tBodies[0].replaceChildren(...rows);
    $('active-count').textContent = `(${total})`;
  }
}
