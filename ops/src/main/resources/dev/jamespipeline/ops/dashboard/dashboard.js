// The live page: reads the pipeline state sampler's snapshots from WebAdmin with the admin token and
// draws them. Everything from the server is put in the page as text (textContent), never as markup:
// queue names and dead-letter reasons can carry what a sender wrote.
'use strict';

(() => {
  const TOKEN_KEY = 'james-pipeline-admin-token';
  const HISTORY_PATH = '/pipeline/dashboard/history';
  const STATE_PATH = '/pipeline/state';
  const PEEK_LIMIT = 10;
  const SVG = 'http://www.w3.org/2000/svg';

  let snapshots = [];
  let windowMillis = 10 * 60 * 1000;
  let polling = null;

  class Unauthorized extends Error {}

  const $ = id => document.getElementById(id);

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    node.append(...children.filter(child => child !== null && child !== undefined));
    return node;
  }

  function svg(tag, attributes = {}) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  // The token: given once in the address (#token=...), taken out of it at once, kept for this tab only.
  function takeTokenFromAddress() {
    const found = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (found) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(found[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  function askForToken(problem) {
    clearTimeout(polling);
    sessionStorage.removeItem(TOKEN_KEY);
    $('live').hidden = true;
    $('login').hidden = false;
    $('login-problem').hidden = !problem;
    $('login-problem').textContent = problem || '';
    setStatus('signed-out', 'signed out');
    $('token').focus();
  }

  async function get(path) {
    const response = await fetch(path, {
      headers: { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY), Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok) throw new Error(path + ' answered HTTP ' + response.status);
    return response.json();
  }

  function setStatus(status, text) {
    $('status').dataset.status = status;
    $('status').textContent = text;
  }

  async function start() {
    $('login').hidden = true;
    $('live').hidden = false;
    setStatus('starting', 'loading');
    try {
      const history = await get(HISTORY_PATH);
      windowMillis = history.windowMillis;
      snapshots = history.snapshots;
    } catch (error) {
      if (error instanceof Unauthorized) return askForToken('WebAdmin refused this token.');
      setStatus('lost', 'no history: ' + error.message);
    }
    render();
    poll();
  }

  async function poll() {
    try {
      keep(await get(STATE_PATH));
      render();
    } catch (error) {
      if (error instanceof Unauthorized) return askForToken('WebAdmin refused this token.');
      setStatus('lost', 'cannot reach WebAdmin: ' + error.message);
    }
    const latest = snapshots[snapshots.length - 1];
    polling = setTimeout(poll, Math.max(1000, latest ? latest.intervalMillis : 2000));
  }

  function keep(snapshot) {
    const latest = snapshots[snapshots.length - 1];
    if (latest && latest.sampledAt === snapshot.sampledAt) {
      snapshots[snapshots.length - 1] = snapshot;
      return;
    }
    snapshots.push(snapshot);
    const oldest = Date.parse(snapshot.sampledAt) - windowMillis;
    while (snapshots.length > 1 && Date.parse(snapshots[0].sampledAt) < oldest) snapshots.shift();
  }

  // ---- numbers as people read them

  const dash = '–';

  function count(value) {
    return value === null || value === undefined ? dash : Math.round(value).toLocaleString('en');
  }

  function rate(value) {
    return value === null || value === undefined ? dash : value.toFixed(value < 10 ? 1 : 0) + '/s';
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return dash;
    if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
    return Math.floor(seconds / 3600) + ' h ' + Math.round((seconds % 3600) / 60) + ' min';
  }

  function bytes(value) {
    if (value === null || value === undefined) return dash;
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return value.toFixed(unit === 0 ? 0 : 1) + ' ' + units[unit];
  }

  function share(free, total) {
    return free === null || total === null || !total ? null : free / total;
  }

  // ---- drawing

  function render() {
    const latest = snapshots[snapshots.length - 1];
    if (!latest) return;
    const ageSeconds = (latest.sampleAgeMillis || 0) / 1000;
    const stale = latest.sampleAgeMillis > 3 * latest.intervalMillis;
    setStatus(stale ? 'stale' : 'live', (stale ? 'stale: ' : 'live: ') + 'sampled ' + duration(ageSeconds) + ' ago at '
      + new Date(latest.sampledAt).toLocaleTimeString('en-GB'));
    $('window').textContent = spanText(span());
    renderBackpressure(latest.backpressure);
    renderBroker(latest.broker);
    renderStore(latest.store);
    $('errors').replaceChildren(...(latest.errors || []).map(error => el('li', {}, error)));
    $('queues').replaceChildren(...latest.queues.map(queue => queueCard(queue)));
    renderDeadLetters(latest.queues);
  }

  function renderBackpressure(backpressure) {
    $('backpressure').dataset.state = backpressure.state;
    $('backpressure-state').textContent = backpressure.state;
    $('backpressure-since').textContent = backpressure.state === 'normal' || !backpressure.since ? ''
      : 'since ' + new Date(backpressure.since).toLocaleTimeString('en-GB');
    $('backpressure-reasons').replaceChildren(...backpressure.reasons.map(reason =>
      el('li', { 'data-kind': reason.kind }, reason.reply + ': ' + reason.text)));
  }

  function facts(list, rows) {
    list.replaceChildren(...rows.flatMap(([name, value, bad]) =>
      [el('dt', {}, name), el('dd', { class: bad ? 'bad' : null }, value)]));
  }

  function yesNo(value) {
    return value === null || value === undefined ? 'unknown' : value ? 'yes' : 'no';
  }

  function renderBroker(broker) {
    facts($('broker-facts'), [
      ['reachable', yesNo(broker.reachable), broker.reachable === false],
      ['publishing blocked', broker.blocked ? 'yes: ' + (broker.blockedReason || 'no reason given') : 'no', broker.blocked],
      ['memory alarm', yesNo(broker.memoryAlarm), broker.memoryAlarm],
      ['disk alarm', yesNo(broker.diskAlarm), broker.diskAlarm],
    ]);
  }

  function renderStore(store) {
    const space = share(store.freeBytes, store.totalBytes);
    const inodes = share(store.freeInodes, store.totalInodes);
    const rows = [['backend', store.backend ? store.backend + ' (' + store.location + ')' : 'not read yet']];
    if (store.backend === 'postgres') {
      rows.push(['database size', bytes(store.databaseBytes)]);
    } else {
      rows.push(['free space', bytes(store.freeBytes) + ' of ' + bytes(store.totalBytes)
        + (space === null ? '' : ' (' + Math.round(space * 100) + ' %)'), space !== null && space < 0.1]);
      rows.push(['free inodes', count(store.freeInodes) + (inodes === null ? '' : ' (' + Math.round(inodes * 100) + ' %)'),
        inodes !== null && inodes < 0.1]);
    }
    facts($('store-facts'), rows);
  }

  function queueCard(queue) {
    const critical = queue.kind !== 'index';
    const backlog = snapshots.map(snapshot => [snapshot, find(snapshot, queue.name)]);
    const numbers = [
      ['consumers', count(queue.consumers), queue.exists && critical && queue.consumers === 0],
      ['ready', count(queue.ready)],
      ['unacked', count(queue.unacked)],
      ['oldest waits', duration(queue.lagSeconds)],
      ['in', rate(queue.publishRate)],
      ['out', rate(queue.ackRate)],
      ['retrying', count(queue.retryMessages)],
      ['dead letters', count(queue.deadLetters.messages), queue.deadLetters.messages > 0],
    ];
    return el('div', { class: 'queue', 'data-queue': queue.name, 'data-backpressure': String(queue.backpressure) },
      el('h3', {}, queue.name, el('span', { class: 'kind' }, queue.exists ? queue.kind : queue.kind + ', not declared'),
        queue.backpressure ? el('span', { class: 'held' }, 'holding SMTP back') : null),
      el('div', { class: 'numbers' }, ...numbers.map(([name, value, bad]) =>
        el('div', { class: bad ? 'bad' : null, 'data-field': name }, el('span', {}, name), el('span', {}, value)))),
      el('div', { class: 'charts' },
        el('div', {},
          el('div', { class: 'chart-title' }, 'backlog', el('span', { class: 'legend' },
            el('i', { class: 'ready' }), 'ready', el('i', { class: 'unacked' }), 'unacked')),
          chart('backlog', backlog, [['ready', q => q.ready, true], ['unacked', q => q.unacked, false]])),
        el('div', {},
          el('div', { class: 'chart-title' }, 'flow per second', el('span', { class: 'legend' },
            el('i', { class: 'publish' }), 'in', el('i', { class: 'ack' }), 'out')),
          chart('flow', backlog, [['publish', q => q.publishRate, false], ['ack', q => q.ackRate, false]]))));
  }

  function find(snapshot, name) {
    return snapshot.queues.find(queue => queue.name === name) || null;
  }

  /** One SVG chart over the window: a line (or an area) per series, gaps where a value is unknown. */
  function chart(name, points, series) {
    const width = 260, height = 110, left = 34, bottom = 14, top = 6;
    const end = Date.parse(snapshots[snapshots.length - 1].sampledAt);
    const shown = span();
    const start = end - shown;
    let max = 1;
    for (const [, queue] of points) {
      for (const [, value] of series) {
        const v = queue ? value(queue) : null;
        if (v !== null && v !== undefined && v > max) max = v;
      }
    }
    max = niceCeiling(max);
    const x = time => left + (width - left) * (time - start) / shown;
    const y = value => top + (height - top - bottom) * (1 - value / max);
    const node = svg('svg', { class: 'chart', 'data-chart': name, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' });
    node.append(svg('rect', { class: 'frame', x: left, y: top, width: width - left, height: height - top - bottom }));
    node.append(label(left - 3, top + 8, 'end', compact(max)), label(left - 3, height - bottom, 'end', '0'),
      label(left, height - 2, 'start', '−' + spanText(shown)), label(width, height - 2, 'end', 'now'));
    for (const [cls, value, area] of series) {
      const runs = [];
      let run = [];
      for (const [snapshot, queue] of points) {
        const v = queue ? value(queue) : null;
        if (v === null || v === undefined) {
          if (run.length) runs.push(run);
          run = [];
        } else {
          run.push([x(Date.parse(snapshot.sampledAt)), y(v)]);
        }
      }
      if (run.length) runs.push(run);
      for (const line of runs) {
        let d = 'M' + line.map(([px, py]) => px.toFixed(1) + ',' + py.toFixed(1)).join('L');
        if (area) d += `L${line[line.length - 1][0].toFixed(1)},${y(0)}L${line[0][0].toFixed(1)},${y(0)}Z`;
        node.append(svg('path', { class: cls, d, 'data-points': String(line.length) }));
      }
    }
    return node;
  }

  /** The time the charts cover: the window, or what has been sampled of it (10 s at least). */
  function span() {
    const sampled = Date.parse(snapshots[snapshots.length - 1].sampledAt) - Date.parse(snapshots[0].sampledAt);
    return Math.min(windowMillis, Math.max(10 * 1000, sampled));
  }

  function spanText(millis) {
    return millis < 120 * 1000 ? Math.round(millis / 1000) + ' s' : Math.round(millis / 60000) + ' min';
  }

  function label(x, y, anchor, text) {
    const node = svg('text', { class: 'axis', x, y, 'text-anchor': anchor });
    node.textContent = text;
    return node;
  }

  function niceCeiling(value) {
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) {
      if (value <= step * magnitude) return step * magnitude;
    }
    return 10 * magnitude;
  }

  function compact(value) {
    return value >= 1e6 ? value / 1e6 + 'M' : value >= 1e3 ? value / 1e3 + 'k' : String(value);
  }

  function renderDeadLetters(queues) {
    $('dead-letters').tBodies[0].replaceChildren(...queues.map(queue => {
      const deadLetters = queue.deadLetters;
      const look = deadLetters.messages > 0
        ? el('button', { type: 'button', title: 'Reads them without taking them; each look counts as one more delivery' },
          'look at ' + Math.min(PEEK_LIMIT, deadLetters.messages))
        : null;
      if (look) look.addEventListener('click', () => peek(queue.name));
      return el('tr', { 'data-queue': queue.name, 'data-growing': String(deadLetters.growthPerMinute > 0) },
        el('td', {}, queue.name), el('td', {}, deadLetters.name),
        el('td', { class: 'count' }, count(deadLetters.messages)),
        el('td', { class: 'count' }, deadLetters.growthPerMinute === null ? dash : deadLetters.growthPerMinute.toFixed(1)),
        el('td', {}, look));
    }));
  }

  async function peek(queue) {
    const list = $('dead-letter-list');
    try {
      const deadLetters = await get('/pipeline/queues/' + encodeURIComponent(queue) + '/dead-letters?limit=' + PEEK_LIMIT);
      list.replaceChildren(el('h3', {}, 'Dead letters of ' + queue), el('ol', {}, ...deadLetters.map(letter =>
        el('li', { 'data-message-id': letter.messageId }, letter.timestamp + ' ' + letter.messageId + ': ' + letter.reason))));
    } catch (error) {
      if (error instanceof Unauthorized) return askForToken('WebAdmin refused this token.');
      list.replaceChildren(el('p', { class: 'problem' }, 'Could not read the dead letters: ' + error.message));
    }
  }

  $('login').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    start();
  });

  takeTokenFromAddress();
  if (sessionStorage.getItem(TOKEN_KEY)) {
    start();
  } else {
    askForToken(null);
  }
})();
